"""The installable app's server side: the manifest in every language, the
service worker at the root with its headers and configuration, the offline
page, and the phone-performance rules of the page head (fonts, icons)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

LANGUAGES = [code for code, _name in settings.LANGUAGES]
pytestmark = pytest.mark.django_db


def static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is not a static file"
    return Path(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_its_manifest(client, language):
    with translation.override(language):
        url = reverse("web:manifest")
        response = client.get(url)
        title = gettext("Coursemarket — find, book and take great courses")
        my_bookings, listing = reverse("bookings:my_bookings"), reverse("catalog:course_list")
        my_bookings_name = gettext("My bookings")
    assert url == f"/{language}/manifest.webmanifest"
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["lang"] == language
    assert manifest["dir"] == ("rtl" if language == "ar" else "ltr")
    assert manifest["name"] == title and manifest["short_name"] == "Coursemarket"
    assert manifest["id"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["start_url"] == f"/{language}/?source=pwa"
    assert manifest["theme_color"] and manifest["background_color"]
    shortcuts = {shortcut["url"].split("?")[0]: shortcut for shortcut in manifest["shortcuts"]}
    assert set(shortcuts) == {my_bookings, listing}
    assert shortcuts[my_bookings]["name"] == my_bookings_name
    # Icons: 192 and 512, "any" and "maskable", real PNGs of the size they claim.
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for image in manifest["icons"] + manifest["screenshots"]:
        with Image.open(static_file(image["src"])) as png:
            assert png.format == "PNG" and "{}x{}".format(*png.size) == image["sizes"], image
    assert {shot["form_factor"] for shot in manifest["screenshots"]} == {"narrow", "wide"}


def test_the_arabic_manifest_is_translated():
    """The manifest's words come from the catalogs (not only the lang/dir fields)."""
    from coursemarket.web.pwa import manifest_data

    english, arabic = manifest_data("en"), manifest_data("ar")
    assert arabic["name"] != english["name"] and re.search("[\u0600-\u06ff]", arabic["name"])
    assert re.search("[\u0600-\u06ff]", arabic["shortcuts"][0]["name"])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pages_link_their_languages_manifest_and_ios_tags(client, language):
    html = client.get(f"/{language}/").content.decode()
    assert f'<link rel="manifest" href="/{language}/manifest.webmanifest">' in html
    assert 'name="apple-mobile-web-app-capable" content="yes"' in html
    for href in re.findall(r'rel="apple-touch-(?:icon|startup-image)"[^>]*href="([^"]+)"', html):
        static_file(href)
    assert len(re.findall(r'rel="apple-touch-startup-image"', html)) >= 3


def test_the_service_worker_is_served_at_the_root_with_its_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(re.match(r"const CONFIG = (\{.*?\});\n", body).group(1))
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    assert 'addEventListener("fetch"' in body and "skip-waiting" in body
    for url in config["precache"]:
        if url.startswith(settings.STATIC_URL):
            static_file(url)
    assert set(config["offline"]) == set(LANGUAGES)
    for language, url in config["offline"].items():
        assert url in config["precache"] and client.get(url).status_code == 200, language
    assert "/en/account/logout/" in config["signout"]


def test_the_service_worker_never_caches_money_account_or_staff_pages(client):
    never = [
        re.compile(pattern)
        for pattern in json.loads(client.get("/sw.js").content.decode()[15:].split(";\n")[0])["never"]
    ]

    def cached(path: str) -> bool:
        return not any(pattern.search(path) for pattern in never)

    for path in [
        "/admin/", "/payments/stripe/webhook/", "/en/checkout/CM-ABC123/", "/en/checkout/CM-ABC123/pay/",
        "/en/book/12/", "/en/account/email/", "/en/account/bookings/CM-ABC123/receipt/",
        "/en/account/bookings/CM-ABC123/cancel/", "/en/account/bookings/CM-ABC123/confirmation/",
        "/ar/dashboard/schools/x/bookings/", "/i18n/setlang/", "/en/dashboard/schools/x/bookings/sessions/7/",
        "/en/dashboard/schools/x/bookings/sessions/7/checkin/roster.json",
        "/en/dashboard/schools/x/bookings/sessions/7/checkin/scans/", "/en/dashboard/schools/x/checkin/",
    ]:  # fmt: skip
        assert not cached(path), path
    for language in LANGUAGES:  # every language's pages, pt-br's included
        for path in ["/checkout/CM-ABC123/", "/book/12/", "/account/email/", "/dashboard/schools/x/bookings/"]:
            assert not cached(f"/{language}{path}"), f"/{language}{path}"
        assert cached(f"/{language}/account/bookings/") and cached(f"/{language}/courses/")
    for path in [
        "/en/account/bookings/", "/ar/account/bookings/CM-ABC123/ticket/", "/en/courses/",
        "/ar/dashboard/schools/x-2/bookings/sessions/7/checkin/",  # the door, reopened offline
    ]:  # fmt: skip
        assert cached(path), path


def test_a_new_static_manifest_is_a_new_worker_version(monkeypatch):
    from django.contrib.staticfiles.storage import staticfiles_storage

    from coursemarket.web import pwa

    before = pwa.worker_config()["version"]
    monkeypatch.setattr(staticfiles_storage, "manifest_hash", "another-deploy", raising=False)
    assert pwa.worker_config()["version"] != before


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_offline_page_speaks_the_language_of_its_address(client, language):
    response = client.get(f"/{language}/offline/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    with translation.override(language):
        assert reverse("bookings:my_bookings") in html and gettext("My bookings") in html


def test_only_arabic_pages_load_the_arabic_font_and_every_page_preloads_its_own(client):
    english = client.get("/en/").content.decode()
    arabic = client.get("/ar/").content.decode()
    assert "noto-sans-arabic" not in english and 'Noto Sans Arabic"; font-style' not in english
    assert re.search(
        r'rel="preload" href="[^"]*inter-latin-400-700[^"]*" as="font" type="font/woff2" crossorigin', english
    )
    assert re.search(r'@font-face \{ font-family: "Noto Sans Arabic";[^}]*noto-sans-arabic-400-700', arabic)
    assert re.search(r'rel="preload" href="[^"]*noto-sans-arabic-400-700', arabic)
    # The site's stylesheet (every page) never names the Arabic file.
    assert "noto-sans-arabic" not in static_file("/static/css/site.css").read_text()
    # No icon font, no render-blocking icon stylesheet in the head; scripts deferred.
    head = english.split("</head>")[0]
    assert "bootstrap-icons" not in english and "icons.css" not in head
    assert all("defer" in tag for tag in re.findall(r"<script [^>]*src=[^>]*>", english))


def test_bootstrap_is_not_loaded_with_the_page_but_named_for_site_js_and_precached(client):
    html = client.get("/en/courses/").content.decode()
    tags = re.findall(r"<script [^>]*src=[^>]*>", html)
    sources = [re.search(r' src="([^"]+)"', tag).group(1) for tag in tags]  # type: ignore[union-attr]
    assert not any("bootstrap.bundle" in src for src in sources)
    assert any("htmx.min" in src for src in sources)  # with the page: it records field values when it starts
    site = next(tag for tag in tags if "/js/site." in tag or "/js/site.js" in tag)
    bootstrap = re.search(r'data-bootstrap="([^"]+)"', site)
    worker = re.search(r'data-tz-worker="([^"]+)"', site)
    assert bootstrap and worker
    assert static_file(bootstrap.group(1)).exists() and static_file(worker.group(1)).exists()
    # The "js" class comes from one inline line in <head>, before the stylesheets.
    head = html.split("</head>")[0]
    assert head.index('classList.add("js")') < head.index("stylesheet")
    # Offline, they come from the app shell.
    precache = client.get("/sw.js").content.decode()
    assert all(url.group(1) in precache for url in (bootstrap, worker))


def test_every_icon_the_templates_use_is_in_the_icon_stylesheet():
    css = static_file("/static/css/icons.css").read_text()
    drawn = set(re.findall(r"^\.bi-([a-z0-9-]+) \{", css, re.M))
    root = Path(settings.BASE_DIR)
    used: set[str] = set()
    for path in [*root.glob("coursemarket/**/templates/**/*.html"), *root.glob("static/js/*.js")]:
        used.update(re.findall(r"\bbi bi-([a-z0-9]+(?:-[a-z0-9]+)*)\b", path.read_text(encoding="utf-8")))
    # Icons named in code (navigation sections: icon="...") and in data ("icon": "..." in the demo's categories).
    for path in root.glob("coursemarket/**/*.py"):
        if "/tests/" not in str(path):
            used.update(re.findall(r"\bicon=\"([a-z0-9]+(?:-[a-z0-9]+)*)\"", path.read_text(encoding="utf-8")))
    for path in root.glob("coursemarket/**/*.json"):
        used.update(re.findall(r'"icon":\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    assert {"grid-1x2", "graph-up", "egg-fried"} <= used  # the scan above sees navigation and category icons
    assert used and used <= drawn, f"run bench/fonts.py: missing {sorted(used - drawn)}"


def test_an_icon_missing_from_the_subset_draws_nothing_rather_than_a_filled_square():
    css = static_file("/static/css/icons.css").read_text()
    base = re.search(r"^\.bi::before[^{]*\{([^}]*)\}", css, re.M)
    assert base and "var(--bi-c, transparent)" in base.group(1)
    assert re.search(r"^\.bi-search \{ --bi: url\([^)]*\); --bi-c: currentColor; \}", css, re.M)


def test_pages_are_compressed_and_pictures_and_streams_are_not(client, settings, tmp_path):
    page = client.get("/en/", headers={"accept-encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/en/")  # a client that did not ask
    (tmp_path / "pic.png").write_bytes(b"\x89PNG" + b"0" * 2000)
    settings.MEDIA_ROOT = tmp_path
    picture = client.get("/media/pic.png", headers={"accept-encoding": "gzip"})
    assert picture.status_code == 200 and "Content-Encoding" not in picture
