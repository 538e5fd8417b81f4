from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale

REQUIRED_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def msgids(catalog: Catalog) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}


def problems_in(catalog: Catalog) -> list[str]:
    found = []
    for message in catalog:
        if not message.id:
            continue
        label = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            found.append(f"fuzzy: {label!r}")
        elif not all(strings):
            found.append(f"untranslated: {label!r}")
    return found


# Markers of a string meant for translation, in code and templates.
MARKERS = ("gettext", "{% translate", "{% trans ", "{% blocktranslate", "{% blocktrans ")
# The settings name languages with gettext_lazy; Django's own catalogs translate those names.
NOT_AN_APP = {"config"}


def uncatalogued_apps() -> list[Path]:
    """Packages with strings to translate but no catalogs of their own (their
    strings would never be extracted, so never checked)."""
    found = []
    for package in sorted(Path(settings.PACKAGE_DIR).iterdir()):
        if not package.is_dir() or (package / "locale").is_dir() or package.name in NOT_AN_APP:
            continue
        sources = [
            path
            for path in package.rglob("*")
            if path.suffix in (".py", ".html", ".txt") and not {"tests", "migrations"} & set(path.parts)
        ]
        if any(marker in path.read_text(encoding="utf-8") for path in sources for marker in MARKERS):
            found.append(package)
    return found


class Command(BaseCommand):
    help = (
        "Fail when a catalog misses a string the code has, or has an untranslated or fuzzy entry, "
        "for every app and every language."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not shutil.which("xgettext"):
            raise CommandError("GNU gettext (xgettext) is needed to extract strings: apt-get install gettext")
        errors: list[str] = []
        apps = sorted(p for p in Path(settings.PACKAGE_DIR).iterdir() if (p / "locale").is_dir())
        errors += [f"{app.name}: translatable strings but no locale/ catalogs" for app in uncatalogued_apps()]
        django_admin = str(Path(sys.executable).with_name("django-admin"))
        env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}
        with tempfile.TemporaryDirectory() as tmp:
            for app in apps:
                copy = Path(tmp) / app.name
                shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
                subprocess.run(  # noqa: S603
                    [
                        django_admin,
                        "makemessages",
                        "-a",
                        "--no-location",
                        "--no-obsolete",
                        "-v0",
                        "--ignore",
                        "tests/*",
                    ],
                    cwd=copy,
                    env=env,
                    check=True,
                )
                for language in REQUIRED_LANGUAGES:
                    folder = to_locale(language)  # "pt-br" is kept in locale/pt_BR
                    original = app / "locale" / folder / "LC_MESSAGES" / "django.po"
                    if not original.exists():
                        errors.append(f"{app.name}: no catalog for {language}")
                        continue
                    expected = msgids(load(copy / "locale" / folder / "LC_MESSAGES" / "django.po"))
                    catalog = load(original)
                    missing = expected - msgids(catalog)
                    errors += [f"{app.name}/{language}: missing {m[0]!r}" for m in sorted(missing, key=str)]
                    errors += [f"{app.name}/{language}: {p}" for p in problems_in(catalog)]
        if errors:
            for line in errors[:200]:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} translation problem(s); run 'make messages' and translate them.")
        self.stdout.write(f"translations complete: {len(apps)} apps x {len(REQUIRED_LANGUAGES)} languages")
