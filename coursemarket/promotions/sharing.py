"""Share links: plain links to the sharing pages of email, WhatsApp, LinkedIn,
X and Facebook (no third-party script or tracker on our pages), each carrying
lowercase UTM parameters (utm_source = the channel, utm_medium=share,
utm_campaign = what is shared) and, for a signed-in student, their referral
code. The menu's links go through our own `promotions:share_out`, which
records the share in the activity log and sends the browser on; "Copy link"
and the phone's own share sheet (Web Share API) record through
`promotions:share_record`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from coursemarket.catalog.models import Course

from .referrals import referral_code_for

# What can be shared, and how the activity log names its object.
KINDS = {
    "course": "catalog.course",
    "session": "catalog.session",
    "school": "schools.school",
    "compare": "compare.comparison",
    "invite": "",
}
CHANNELS = ("email", "whatsapp", "linkedin", "x", "facebook")
RECORDED_CHANNELS = (*CHANNELS, "copy", "native")


TRACKING = ("utm_", "ref", "fbclid", "gclid")


def local_path(path: str) -> str:
    """`path` (with its query, less tracking parameters) if it is one of our
    own pages (no host, no scheme), else "/"."""
    parts = urlsplit(path or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(TRACKING)]
    return parts.path + ("?" + urlencode(query) if query else "")


def share_url(request: HttpRequest, *, path: str, kind: str, channel: str) -> str:
    """The address a friend opens: our page with UTM parameters and the
    sharer's referral code (a signed-in person's)."""
    params = {"utm_source": channel, "utm_medium": "share", "utm_campaign": kind}
    code = own_referral_code(request)
    if code:
        params["ref"] = code
    local = local_path(path)
    return request.build_absolute_uri(local) + ("&" if "?" in local else "?") + urlencode(params)


OWN_CODE_KEY = "referral_own_code"


def own_referral_code(request: HttpRequest) -> str:
    """The signed-in person's invite code, kept in their session after the
    first look-up (pages with a share menu cost no query for it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    session = getattr(request, "session", None)
    cached = session.get(OWN_CODE_KEY) if session is not None else None
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == user.pk:
        return str(cached[1])
    code = referral_code_for(user=user).code
    if session is not None:
        session[OWN_CODE_KEY] = [user.pk, code]
    return code


def course_from_path(path: str) -> tuple[int | None, int | None, str]:
    """(course id, school id, title) of a course page's path, for a share of it."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None, None, ""
    if match.view_name != "catalog:course_detail":
        return None, None, ""
    row = Course.objects.filter(slug=match.kwargs.get("slug", "")).values_list("pk", "school_id", "title").first()
    return (row[0], row[1], row[2]) if row else (None, None, "")


def channel_target(*, channel: str, url: str, title: str) -> str:
    """The channel's own sharing address for `url` (plain links, no scripts)."""
    text = f"{title} {url}".strip()
    if channel == "email":
        return f"mailto:?subject={quote(title)}&body={quote(text)}"
    if channel == "whatsapp":
        return f"https://wa.me/?text={quote(text)}"
    if channel == "linkedin":
        return f"https://www.linkedin.com/sharing/share-offsite/?url={quote(url, safe='')}"
    if channel == "x":
        return f"https://x.com/intent/post?text={quote(title)}&url={quote(url, safe='')}"
    if channel == "facebook":
        return f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}"
    raise ValueError(channel)


@dataclass(frozen=True)
class ShareLink:
    channel: str
    label: str
    icon: str
    href: str


def share_menu_context(
    request: HttpRequest, *, path: str, title: str, kind: str, object_id: int | None = None
) -> dict[str, Any]:
    """What the share menu (promotions/includes/share_menu.html) shows."""
    kind = kind if kind in KINDS else "course"
    path = local_path(path)
    # Icons (listed for bench/fonts.py's subset): bi-envelope bi-whatsapp bi-linkedin bi-twitter-x bi-facebook
    labels = {
        "email": (_("Email"), "envelope"),
        "whatsapp": ("WhatsApp", "whatsapp"),
        "linkedin": ("LinkedIn", "linkedin"),
        "x": ("X", "twitter-x"),
        "facebook": ("Facebook", "facebook"),
    }
    out = reverse("promotions:share_out")
    links = []
    for channel in CHANNELS:
        query = {"to": channel, "kind": kind, "path": path}
        if title:
            query["title"] = title[:200]
        if object_id is not None:
            query["id"] = str(object_id)
        label, icon = labels[channel]
        links.append(ShareLink(channel, label, icon, f"{out}?{urlencode(query)}"))
    return {
        "share_links": links,
        "share_title": title,
        "share_kind": kind,
        "share_object_id": object_id or "",
        "copy_url": share_url(request, path=path, kind=kind, channel="copy"),
        "native_url": share_url(request, path=path, kind=kind, channel="native"),
        "record_url": reverse("promotions:share_record"),
    }
