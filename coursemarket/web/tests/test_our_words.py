"""Our words win over our libraries': where django-allauth (or Django) translates
a msgid that our catalogs also translate, people read OUR translation. Arabic
allauth says "يلغي" ("he cancels") for "Cancel"; our button says "إلغاء".
LOCALE_PATHS (config/settings.py) puts every app's catalog ahead of the
installed apps' ones; these tests hold that in every language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import allauth
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coursemarket.catalog.tests.factories import CourseFactory, make_session, staff
from coursemarket.core.testing import text_of

pytestmark = pytest.mark.django_db

SHARED_WORDS = ("Cancel", "Save", "Remove", "Back", "Continue", "Email")
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _po_language(code: str) -> str:
    """Django's language code as a catalog folder: pt-br → pt_BR."""
    return translation.to_locale(code)


def _entries(po_path: Path) -> dict[str, str]:
    if not po_path.exists():
        return {}
    return {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(str(po_path))
        if entry.msgstr and not entry.msgctxt and not entry.obsolete and "fuzzy" not in entry.flags
    }


@cache
def ours(code: str) -> dict[str, str]:
    """Our translations in one language, as Django reads them: the first of
    LOCALE_PATHS that translates a msgid wins."""
    words: dict[str, str] = {}
    for locale_dir in settings.LOCALE_PATHS:
        for msgid, msgstr in _entries(Path(locale_dir) / _po_language(code) / "LC_MESSAGES" / "django.po").items():
            words.setdefault(msgid, msgstr)
    return words


@cache
def allauths(code: str) -> dict[str, str]:
    base = Path(allauth.__file__).parent / "locale"
    return _entries(base / _po_language(code) / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("code", LANGUAGES)
def test_shared_words_read_as_our_catalog_says(code):
    with translation.override(code):
        for word in SHARED_WORDS:
            assert word in ours(code), f"{word!r} has no translation of ours in {code}"
            assert translation.gettext(word) == ours(code)[word], f"{word!r} in {code}"


def test_allauth_translates_some_shared_words_differently_so_the_test_above_means_something():
    differing = [
        (code, word)
        for code in LANGUAGES
        for word in SHARED_WORDS
        if allauths(code).get(word) not in (None, ours(code).get(word))
    ]
    assert ("ar", "Cancel") in differing
    assert allauths("ar")["Cancel"] == "يلغي"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_course_editor_and_sign_in_show_our_words(client, code):
    course = CourseFactory()
    make_session(course)
    client.force_login(staff(course.school))
    with translation.override(code):
        editor = text_of(
            client.get(reverse("catalog:dashboard_course_edit", args=[course.school.slug, course.pk])).content.decode()
        )
    cancel = ours(code)["Cancel"]
    assert cancel in editor
    theirs = allauths(code).get("Cancel")
    if theirs and theirs != cancel and theirs not in cancel:
        assert theirs not in editor, f"allauth's {theirs!r} on the course editor in {code}"

    client.logout()
    with translation.override(code):
        sign_in = client.get(reverse("account_login")).content.decode()
    label = ours(code)["Email"]
    assert label in text_of(sign_in)
