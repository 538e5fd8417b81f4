"""The translation check cannot be dodged by an app without catalogs."""

from __future__ import annotations

from coursemarket.core.management.commands.check_translations import uncatalogued_apps


def test_an_app_with_strings_to_translate_but_no_catalogs_is_reported(settings, tmp_path):
    (tmp_path / "shop" / "templates").mkdir(parents=True)
    (tmp_path / "shop" / "templates" / "page.html").write_text("<p>{% translate 'Buy now' %}</p>")
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "tests").mkdir()
    (tmp_path / "quiet" / "tests" / "test_x.py").write_text("from django.utils.translation import gettext")
    (tmp_path / "fine" / "locale").mkdir(parents=True)
    (tmp_path / "fine" / "views.py").write_text("from django.utils.translation import gettext as _")
    settings.PACKAGE_DIR = tmp_path
    assert [app.name for app in uncatalogued_apps()] == ["shop"]


def test_every_app_of_the_project_that_has_strings_has_catalogs():
    assert uncatalogued_apps() == []


def test_our_catalogs_outrank_third_party_ones():
    """allauth is installed before our apps; for words both translate, a
    page must use ours (allauth's Arabic "Cancel" is a verb, "he cancels")."""
    from django.utils import translation

    with translation.override("ar"):
        assert translation.gettext("Cancel") == "إلغاء"
