"""The trimmed Bootstrap (bench/trim_bootstrap.py) keeps every Bootstrap class the templates use, in both directions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor" / "bootstrap-5.3.9"
CLASS_IN_CSS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')


def css_classes(path: Path) -> set[str]:
    return set(CLASS_IN_CSS.findall(re.sub(r"url\([^)]*\)", "", path.read_text(encoding="utf-8"))))


def template_classes() -> set[str]:
    found: set[str] = set()
    for template in (ROOT / "coursemarket").glob("*/templates/**/*.html"):
        for value in CLASS_ATTRIBUTE.findall(template.read_text(encoding="utf-8")):
            value = re.sub(r"\{[{%].*?[%}]\}", " ", value)  # a word built by the template is not a literal class
            found.update(word for word in value.split() if re.fullmatch(r"[a-z][\w-]*", word))
    return found


@pytest.mark.parametrize("name", ["bootstrap.min.css", "bootstrap.rtl.min.css"])
def test_every_bootstrap_class_a_template_uses_is_kept(name):
    full, trimmed = css_classes(VENDOR / name), css_classes(VENDOR / "trimmed" / name)
    used = {name for name in template_classes() & full if name != "bi"}  # icons: css/icons.css, not Bootstrap
    assert len(used) > 150  # the templates were read
    assert sorted(used - trimmed) == []
    assert len(trimmed) < len(full) * 0.75  # and the file is trimmed


@pytest.mark.parametrize("name", ["bootstrap.min.css", "bootstrap.rtl.min.css"])
def test_state_classes_bootstrap_script_adds_are_kept(name):
    kept = css_classes(VENDOR / "trimmed" / name)
    for state in ("show", "collapsing", "fade", "modal-backdrop", "offcanvas-backdrop", "alert-danger", "alert-info"):
        assert state in kept


@pytest.mark.django_db
def test_pages_link_the_trimmed_files(client):
    assert "vendor/bootstrap-5.3.9/trimmed/bootstrap.min.css" in client.get("/en/").content.decode()
    assert "vendor/bootstrap-5.3.9/trimmed/bootstrap.rtl.min.css" in client.get("/ar/").content.decode()
