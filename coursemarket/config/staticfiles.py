"""Static files as the project collects them: Django's app, minus what only the tests use."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    # axe-core (vendored for the accessibility tests, which read it from disk) is never served.
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "axe-core-*"]
