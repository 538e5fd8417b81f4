from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from coursemarket.accounts import views as account_views
from coursemarket.core import views as core_views
from coursemarket.notifications.urls import mailbox_urlpatterns
from coursemarket.web import pwa as web_pwa
from coursemarket.web import views as web_views

# Language-neutral addresses: machines and the language switch itself.
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", web_views.robots_txt, name="robots_txt"),
    # The service worker at the root, so that its scope is every page.
    path("sw.js", web_pwa.service_worker, name="service_worker"),
    path("sitemap.xml", web_views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", web_views.sitemap_section, name="sitemap_section"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/outbox/", include((mailbox_urlpatterns, "mailbox"))),
    path("admin/", admin.site.urls),
    path("calendar/", include("coursemarket.scheduling.feed_urls")),
    path("payments/", include("coursemarket.payments.urls")),
]

# Every page a person reads lives under its language prefix (/en/, /ar/…), so
# each language has its own shareable, indexable address. A bare address
# (/, /courses/) redirects to the visitor's language (cookie, then browser).
urlpatterns += i18n_patterns(
    path("", include("coursemarket.web.urls")),
    path("account/", include("allauth.urls")),
    path("account/", include("coursemarket.accounts.urls")),
    path("", include("coursemarket.schools.urls")),
    path("", include("coursemarket.catalog.urls")),
    path("", include("coursemarket.reviews.urls")),
    path("", include("coursemarket.recommendations.urls")),
    path("", include("coursemarket.bookings.urls")),
    path("", include("coursemarket.promotions.urls")),
    path("", include("coursemarket.scheduling.urls")),
    path("", include("coursemarket.imports.urls")),
    path("", include("coursemarket.compare.urls")),
    path("", include("coursemarket.notifications.urls")),
    path("", include("coursemarket.activity.urls")),
    path("", include("coursemarket.alerts.urls")),
    path("", include("coursemarket.analytics.urls")),
    prefix_default_language=True,
)

handler400 = web_views.bad_request
handler403 = web_views.permission_denied
handler404 = web_views.page_not_found
handler500 = web_views.server_error

if settings.SERVE_MEDIA:
    urlpatterns += [path("media/<path:path>", core_views.media, name="media")]
