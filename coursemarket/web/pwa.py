"""The installable app: the web app manifest (one per language), the service
worker at the site's root (`/sw.js`) and the offline page it falls back to.

The worker's code is `web/sw.js` (hand-written, no build step); this module
prepends its configuration: the deploy's version (a hash of the static
manifest, so every deploy gets a fresh cache and announces itself as an
update), the app shell to precache (hashed addresses), the offline page of
every language, and the addresses it must never cache. See
docs/architecture.md, "The installable app"."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from coursemarket.core.offline import OFFLINE_HEADER, OWNER_HEADER

THEME_COLOR = "#4338ca"  # --cm-primary
BACKGROUND_COLOR = "#f8fafc"
SOURCE = "pwa"  # ?source=pwa marks visits that start from the installed app
ICON_SIZES = (192, 512)

# What the app shell needs on every page (and the ticket's), precached at install.
SHELL_STATIC = (
    "vendor/bootstrap-5.3.9/trimmed/bootstrap.min.css",
    "vendor/bootstrap-5.3.9/trimmed/bootstrap.rtl.min.css",
    "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "css/site.css",
    "css/icons.css",
    "js/site.js",
    "js/tz-worker.js",
    "js/search-suggest.js",
    "js/pwa.js",
    "vendor/fonts/inter-latin-400-700.woff2",
    "img/logo-mark.svg",
    "img/pwa/icon-192.png",
    "bookings/bookings.css",
)


def _language_url(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def manifest_data(language: str) -> dict[str, Any]:
    """The web app manifest in `language` (names, direction, start page, shortcuts)."""
    with translation.override(language):
        home = reverse("web:home")
        icons = [
            {
                "src": static(f"img/pwa/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ] + [
            {
                "src": static(f"img/pwa/maskable-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "maskable",
            }
            for size in ICON_SIZES
        ]
        return {
            # One app whatever the language it was installed in.
            "id": "/",
            "name": _("Coursemarket — find, book and take great courses"),
            "short_name": "Coursemarket",
            "description": _(
                "Courses from language schools, studios, bootcamps and universities near you and online. "
                "Compare, book and pay in minutes."
            ),
            "lang": language,
            "dir": "rtl" if get_language_bidi() else "ltr",
            "start_url": f"{home}?source={SOURCE}",
            "scope": "/",
            "display": "standalone",
            "orientation": "any",
            "theme_color": THEME_COLOR,
            "background_color": BACKGROUND_COLOR,
            "categories": ["education", "shopping"],
            "icons": icons,
            "shortcuts": [
                {
                    "name": _("My bookings"),
                    "short_name": _("Bookings"),
                    "url": f"{reverse('bookings:my_bookings')}?source={SOURCE}",
                    "icons": [{"src": static("img/pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"}],
                },
                {
                    "name": _("Search courses"),
                    "short_name": _("Search"),
                    "url": f"{reverse('catalog:course_list')}?source={SOURCE}",
                    "icons": [{"src": static("img/pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"}],
                },
            ],
            "screenshots": [
                {
                    "src": static("img/pwa/screenshot-narrow.png"),
                    "sizes": "390x844",
                    "type": "image/png",
                    "form_factor": "narrow",
                    "label": _("A course and its sessions on a phone"),
                },
                {
                    "src": static("img/pwa/screenshot-wide.png"),
                    "sizes": "1366x900",
                    "type": "image/png",
                    "form_factor": "wide",
                    "label": _("Courses near you, with their next sessions"),
                },
            ],
        }


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    data = manifest_data(get_language() or settings.LANGUAGE_CODE)
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it cannot fetch. The same for
    everyone (it is precached while signed in or out): no per-visitor content."""
    response = render(request, "web/offline.html", {"my_bookings_url": reverse("bookings:my_bookings")})
    response["Cache-Control"] = "no-cache"
    return response


@cache
def _worker_source() -> str:
    return resources.files("coursemarket.web").joinpath("sw.js").read_text(encoding="utf-8")


def worker_config() -> dict[str, Any]:
    languages = [code for code, _name in settings.LANGUAGES]
    # Every language's address prefix ("pt-br" too, which a two-letter pattern missed).
    lang = "(?:" + "|".join(re.escape(code) for code in languages) + ")"
    media = settings.MEDIA_URL
    media_parts = urlsplit(media)
    config: dict[str, Any] = {
        "precache": [static(path) for path in SHELL_STATIC]
        + [_language_url("web:offline", code) for code in languages],
        "offline": {code: _language_url("web:offline", code) for code in languages},
        "languages": languages,
        "defaultLanguage": settings.LANGUAGE_CODE,
        "staticPrefix": settings.STATIC_URL,
        "mediaPrefix": media_parts.path if not media_parts.netloc else media,
        "mediaOrigin": f"{media_parts.scheme}://{media_parts.netloc}" if media_parts.netloc else "",
        "offlineHeader": OFFLINE_HEADER.lower(),
        "ownerHeader": OWNER_HEADER.lower(),
        # Never cached, even by accident: writes, money, the account, staff and admin pages.
        "never": [
            "^/admin/",
            "^/payments/",
            "^/i18n/",
            "^/healthz",
            f"^/{lang}/checkout/",
            f"^/{lang}/book/",
            # Staff pages, except a session's check-in page (kept for its member, for the door's bad Wi-Fi).
            f"^/{lang}/dashboard/(?!schools/[A-Za-z0-9_-]+/bookings/sessions/[0-9]+/checkin/$)",
            f"^/{lang}/account/(?!bookings/(?:$|[A-Za-z0-9-]+/ticket/$))",
        ],
        "signout": [_language_url("account_logout", code) for code in languages],
        # Web Push's handlers (notifications/push.py sends; static/js/sw-push.js shows and opens).
        "pushScript": static("js/sw-push.js"),
        "pushIcon": static("img/pwa/icon-192.png"),
    }
    # A new deploy (new hashed assets), a new worker or a new configuration: a new version.
    manifest_hash = str(getattr(staticfiles_storage, "manifest_hash", ""))
    config["hashedStatic"] = bool(manifest_hash)
    seed = json.dumps([manifest_hash, _worker_source(), config], sort_keys=True)
    config["version"] = hashlib.sha256(seed.encode()).hexdigest()[:16]
    return config


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    body = f"const CONFIG = {json.dumps(worker_config(), separators=(',', ':'))};\n{_worker_source()}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker at every navigation; never from a stale HTTP cache.
    response["Cache-Control"] = "no-cache, max-age=0"
    return response
