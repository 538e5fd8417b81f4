"""Promotions' pages: the school's promo codes (staff with MANAGE_COURSES)
and a student's "Invite friends" page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from coursemarket.activity.models import Kind
from coursemarket.activity.services import activity_record
from coursemarket.schools.permissions import Perm
from coursemarket.schools.selectors import SchoolAccess
from coursemarket.schools.views.staff import attach_errors, render_dashboard, staff_view

from . import selectors, services
from .forms import PromoCodeForm
from .models import PromoCode
from .referrals import referral_code_for, reward_terms, rewards_for
from .selectors import school_of
from .sharing import CHANNELS, KINDS, RECORDED_CHANNELS, channel_target, course_from_path, share_url


@staff_view(Perm.MANAGE_COURSES)
def dashboard(request: HttpRequest, access: SchoolAccess) -> HttpResponse:
    """The school's codes, and a form for a new one."""
    form = PromoCodeForm(request.POST or None, school=access.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promo = services.promo_code_create(
                actor=request.user, school=access.school, code=data["code"], kind=data["kind"], value=data["value"],
                currency=data.get("currency") or "", course=data.get("course"), valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"), max_uses=data.get("max_uses"),
                per_student_limit=data["per_student_limit"], min_seats=data["min_seats"], purpose=data["purpose"],
            )  # fmt: skip
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Promo code %(code)s created.") % {"code": promo.code})
            return redirect("promotions:dashboard", slug=access.school.slug)
    return render_dashboard(
        request, access, "promotions/dashboard/codes.html",
        {"form": form, "codes": selectors.school_codes(school=access.school)},
        section="promotions", status=400 if form.errors else 200,
    )  # fmt: skip


@staff_view(Perm.MANAGE_COURSES)
@require_POST
def code_active(request: HttpRequest, access: SchoolAccess, code_id: int) -> HttpResponse:
    promo = get_object_or_404(PromoCode, pk=code_id, school=access.school)  # another school's code: 404
    active = request.POST.get("active") == "1"
    services.promo_code_set_active(actor=request.user, promo=promo, active=active)
    if active:
        messages.success(request, _("Promo code %(code)s is active again.") % {"code": promo.code})
    else:
        messages.success(request, _("Promo code %(code)s switched off.") % {"code": promo.code})
    return redirect("promotions:dashboard", slug=access.school.slug)


@login_required
@require_GET
def invite(request: HttpRequest) -> HttpResponse:
    """A student's "Invite friends" page: their link, what it did, their rewards."""
    code = referral_code_for(user=request.user)
    link = request.build_absolute_uri(reverse("web:home")) + f"?ref={code.code}&utm_source=invite&utm_medium=referral"
    return render(
        request,
        "promotions/invite.html",
        {
            "code": code,
            "link": link,
            "stats": selectors.invite_stats(user=request.user, code=code),
            "invites": selectors.invites(user=request.user),
            "rewards": rewards_for(user=request.user),
            "reward_label": _reward_label(),
        },
    )


def _reward_label() -> str:
    terms = reward_terms()
    return services.describe_discount(kind=terms.kind, value=terms.value, currency=terms.currency)


def _record_share(request: HttpRequest, *, channel: str, kind: str, path: str) -> str:
    """Record the share in the activity log; returns the shared page's title
    when it was looked up (a course page shared without one)."""
    raw_id = request.GET.get("id") or request.POST.get("id", "")
    object_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 12 else None
    school_id, title = None, ""
    if kind == "course" and object_id is None:
        object_id, school_id, title = course_from_path(path)
    else:
        school_id = school_of(kind=kind, object_id=object_id)
    activity_record(
        request=request, kind=Kind.SHARE, object_type=KINDS[kind], object_id=object_id, school_id=school_id,
        filters={"channel": channel},
    )  # fmt: skip
    return title


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind", "")
    return kind if kind in KINDS else "course"


class ShareRedirect(HttpResponseRedirect):
    allowed_schemes = ["https", "mailto"]  # the channels' pages, and the email app


@require_GET
def share_out(request: HttpRequest) -> HttpResponse:
    """A share link of the menu: recorded, then on to the channel's own page.
    The target is built here from a fixed list and one of our own paths, so
    this is no open redirect."""
    channel = request.GET.get("to", "")
    if channel not in CHANNELS:
        raise Http404
    kind, path = _kind(request), request.GET.get("path", "/")
    url = share_url(request, path=path, kind=kind, channel=channel)
    title = _record_share(request, channel=channel, kind=kind, path=path) or request.GET.get("title", "")[:200]
    return ShareRedirect(channel_target(channel=channel, url=url, title=title))


@csrf_exempt  # only notes that a link was copied or shared; pages kept in the page cache carry no token
@require_POST
def share_record(request: HttpRequest) -> HttpResponse:
    """ "Copy link" and the phone's share sheet, told by the page's script."""
    channel = request.POST.get("channel", "")
    if channel not in RECORDED_CHANNELS:
        return HttpResponse(status=400)
    _record_share(request, channel=channel, kind=_kind(request), path=request.POST.get("path", ""))
    return HttpResponse(status=204)
