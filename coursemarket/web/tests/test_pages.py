import re

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_bare_address_redirects_to_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_language_cookie_wins_over_browser(client):
    client.cookies["django_language"] = "de"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/de/"


@pytest.mark.parametrize(
    ("language", "direction", "css"), [("en", "ltr", "bootstrap.min.css"), ("ar", "rtl", "bootstrap.rtl.min.css")]
)
def test_html_lang_and_direction(client, language, direction, css):
    html = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert css in html


def test_home_has_landmarks_skip_link_and_hreflang(client):
    html = client.get("/en/").content.decode()
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', 'class="skip-link" href="#main"'):
        assert landmark in html
    hreflangs = set(
        re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="http://testserver/([a-z-]*)/?"', html)
    )
    assert hreflangs == {(code, code) for code in ("en", "es", "de", "fr", "ar", "pt-br", "it", "ja")} | {
        ("x-default", "")
    }


def test_language_switch_sets_cookie_and_lands_on_translated_address(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert response.cookies["django_language"].value == "es"


def test_unknown_language_is_refused_without_change(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/en/"})
    assert "django_language" not in response.cookies


def test_404_page_is_in_the_design_and_the_language(client):
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "error-code" in html
    assert 'name="robots" content="noindex"' in html


def test_403_and_400_pages_render_in_the_design(rf):
    from coursemarket.web import views

    request = rf.get("/en/")
    assert b"error-code" in views.permission_denied(request).content
    assert views.permission_denied(request).status_code == 403
    assert views.bad_request(request).status_code == 400


def test_500_page_renders_without_a_request():
    from coursemarket.web import views

    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"error-code" in response.content


def test_security_headers(client):
    response = client.get("/en/")
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


class SampleForm(forms.Form):
    email = forms.EmailField(label="Email", help_text="We never share it.")


def test_forms_render_inline_errors_tied_to_their_field():
    form = SampleForm(data={"email": "not-an-email"})
    html = engines["django"].from_string("{{ form }}").render({"form": form})
    assert 'class="invalid-feedback d-block" id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert "id_email_helptext" in html


def test_uploaded_files_are_served_by_the_embedded_setup(client, settings):
    """A school's logo uploaded on a single machine shows without a web server in front."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("schools/logos/test-logo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 32))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get("/media/schools/logos/missing.png").status_code == 404


@pytest.mark.parametrize("path", ["/ja/", "/ja/courses/", "/ja/schools/"])
def test_public_pages_carry_og_locale_and_its_alternates(client, path):
    html = client.get(path).content.decode()
    assert re.findall(r'<meta property="og:locale" content="([^"]+)">', html) == ["ja_JP"]
    assert set(re.findall(r'<meta property="og:locale:alternate" content="([^"]+)">', html)) == {
        "en_US", "es_ES", "de_DE", "fr_FR", "ar_AR", "pt_BR", "it_IT",
    }  # fmt: skip
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/' in html


def test_x_default_is_the_bare_address_that_redirects_to_the_visitors_language(client):
    html = client.get("/pt-br/courses/?q=yoga").content.decode()
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/courses/?q=yoga">' in html
    assert '<link rel="alternate" hreflang="pt-br" href="http://testserver/pt-br/courses/?q=yoga">' in html
    assert client.get("/courses/?q=yoga", HTTP_ACCEPT_LANGUAGE="ja")["Location"] == "/ja/courses/?q=yoga"


def test_the_language_switcher_names_each_language_in_itself(client):
    html = client.get("/en/").content.decode()
    for code, name in (("ja", "日本語"), ("pt-br", "Português (Brasil)"), ("ar", "العربية"), ("it", "Italiano")):
        assert f'hreflang="{code}" lang="{code}">{name}</a>' in html
