"""Every public page in every language speaks that language: no interface
string that our catalogs translate into the page's language is left in
English on the page. The English words are the msgids of our catalogs; a
msgid counts when that language translates it to something else and it is
longer than three characters (short ones like "min" match inside too much).
School-written text (course titles, names) is not in the catalogs, and the
factories below write it in words no catalog holds."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coursemarket.catalog.tests.factories import (
    CourseFactory,
    InstructorFactory,
    LocationFactory,
    category,
    make_session,
)
from coursemarket.core.testing import text_of

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Language pickers name each language in its own language ("English" on a
# Spanish page is right), so the languages' English names are not checked.
ENDONYMS = {str(name) for _code, name in settings.LANGUAGES}
PLACEHOLDER = re.compile(r"%(\([^)]*\))?[sdfi%]|\{[^}]*\}")
ADDRESS = re.compile(r"https?://\S+")
INVISIBLE = re.compile(r"<(script|style|template|noscript)\b.*?</\1>", re.S | re.I)


@cache
def translated_msgids(code: str) -> tuple[str, ...]:
    """The English strings our catalogs translate into `code` (differently
    from the English), placeholders left out (they never appear verbatim)."""
    found: set[str] = set()
    translations: list[str] = []
    for locale_dir in settings.LOCALE_PATHS:
        po_path = Path(locale_dir) / translation.to_locale(code) / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            continue
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr or entry.msgid_plural:
                continue
            msgid = " ".join(entry.msgid.split())
            translations.append(" ".join(entry.msgstr.split()))
            if len(msgid) <= 3 or PLACEHOLDER.search(msgid) or msgid in ENDONYMS:
                continue
            if " ".join(entry.msgstr.split()) == msgid:
                continue
            found.add(msgid)
    # A word the language itself uses ("Update", "Filter" in German, "online"
    # in Portuguese, "Date" in Italian) proves nothing when it shows.
    words = "\n".join(translations)
    return tuple(sorted((msgid for msgid in found if not shows(msgid, words)), key=len, reverse=True))


def shows(words: str, text: str) -> bool:
    """`words` appear in `text` as whole words."""
    return words in text and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def visible_text(markup: str) -> str:
    """The page's text as read, addresses shown for copying left out."""
    return ADDRESS.sub(" ", text_of(INVISIBLE.sub(" ", markup)))


def untranslated(code: str, text: str) -> list[str]:
    return [msgid for msgid in translated_msgids(code) if shows(msgid, text)]


@pytest.fixture
def public_pages(settings) -> dict[str, str]:
    """One of each public page, with school-written words no catalog holds."""
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_VERSIONED_FRAGMENT_SECONDS = 0
    pottery = category("pottery")
    first = CourseFactory(
        slug="zorblat-wheelwork",
        category=pottery,
        title="Zorblat Wheelwork",
        summary="Qwix vorp zindle.",
        description="Blorf gimbal.",
    )
    second = CourseFactory(
        school=first.school, slug="zorblat-glazing", category=pottery, title="Zorblat Glazing", summary="Qwix frindle."
    )
    location = LocationFactory(school=first.school, name="Vaxhall Yard", city="Madrid")
    instructor = InstructorFactory(school=first.school, name="Ilsa Quorn")
    session = make_session(first, location=location)
    session.instructors.add(instructor)
    make_session(second, online=True)
    return {
        "home": reverse("web:home"),
        "listing": reverse("catalog:course_list"),
        "search": reverse("catalog:course_list") + "?q=zorblat",
        "course": reverse("catalog:course_detail", kwargs={"slug": first.slug}),
        "school": reverse("schools:school_detail", kwargs={"slug": first.school.slug}),
        "instructor": reverse("schools:instructor_detail", kwargs={"slug": instructor.slug}),
        "compare": reverse("compare:compare") + f"?courses={first.slug},{second.slug}",
        "sign-in": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "offline": reverse("web:offline"),
    }


def test_the_catalogs_give_the_check_something_to_find():
    for code in LANGUAGES:
        assert len(translated_msgids(code)) > 500, code
    assert "Sign in" in translated_msgids("ar")
    assert "Sign in" in untranslated("ar", visible_text("<p>مرحبا <a href='/ar/account/login/'>Sign in</a></p>"))
    assert "Update" not in translated_msgids("de")  # German says "Update" too


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_public_page_is_in_the_language_it_is_served_in(public_pages, code):
    client = Client()
    problems: dict[str, list[str]] = {}
    for name, path in public_pages.items():
        url = f"/{code}/" + path.removeprefix("/en/")
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        assert f'lang="{code}"' in response.content.decode()
        left = untranslated(code, visible_text(response.content.decode()))
        if left:
            problems[name] = left
    assert not problems, f"English interface strings on {code} pages: {problems}"
