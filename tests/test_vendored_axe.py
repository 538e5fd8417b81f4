"""axe-core is vendored for the accessibility tests only: pinned, licensed, never collected nor served."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from coursemarket.core.testing import axe_source


def test_one_pinned_axe_core_with_its_licence():
    folders = sorted((Path(settings.BASE_DIR) / "static" / "vendor").glob("axe-core-*"))
    assert len(folders) == 1
    version = folders[0].name.removeprefix("axe-core-")
    assert (folders[0] / "LICENSE").read_text().startswith("Mozilla Public License")
    assert axe_source().startswith(f"/*! axe v{version}")


def test_collectstatic_leaves_axe_core_out():
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    collected = [path for finder in get_finders() for path, _storage in finder.list(ignore)]
    assert "vendor/bootstrap-5.3.9/bootstrap.min.css" in collected
    assert not [path for path in collected if "axe" in path]
