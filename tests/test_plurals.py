"""A number beside a countable noun goes through the language's plural forms
("1 hour", "12 hours"; Arabic has six): `ngettext` in Python and
`{% blocktranslate count %}` in templates, never a fixed plural. This sweeps
every template and module of the project for a placeholder followed by such
a noun in a message that is not pluralised."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.PACKAGE_DIR)
NOUNS = (
    r"(?:hours?|minutes?|days?|weeks?|months?|years?|seats?|sessions?|meetings?|lessons?|classes|bookings?|reviews?|"
    r"students?|people|persons?|courses?|schools?|instructors?|members?|locations?|rooms?|places?|spots?|characters?|"
    r"attendees?|payments?|refunds?|messages?|codes?|accounts?|times)"
)
# A placeholder, perhaps "of" another one ("3 of 12 seats"), then a noun.
TEMPLATE_COUNT = re.compile(rf"\{{\{{\s*\w+\s*\}}\}}\s+(?:of\s+\{{\{{\s*\w+\s*\}}\}}\s+)?{NOUNS}\b")
PYTHON_COUNT = re.compile(rf"%\(\w+\)[ds]\s+(?:of\s+%\(\w+\)[ds]\s+)?{NOUNS}\b")
BLOCK = re.compile(r"\{%\s*blocktranslate\b(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktranslate\s*%\}", re.S)
SINGULAR_ONLY = {"gettext", "gettext_lazy", "gettext_noop", "_", "pgettext", "pgettext_lazy"}
# Messages that are deliberately not pluralised, with the reason.
ALLOWED = {
    # A fractional number of hours has its own message (catalog.models.Course.duration_text):
    # languages treat fractions apart from their plural forms.
    "%(hours)s hours in total",
    # Not a number: a category's name ("Spanish courses near you").
    "{{ name }} courses",
}


def _templates() -> list[Path]:
    return [p for p in PACKAGE.rglob("templates/**/*") if p.suffix in {".html", ".txt"} and p.is_file()]


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts]


def test_templates_pluralise_every_count():
    found = []
    for path in _templates():
        for block in BLOCK.finditer(path.read_text(encoding="utf-8")):
            if re.search(r"\bcount\b", block["args"]):
                continue
            for match in TEMPLATE_COUNT.finditer(block["body"]):
                if match.group(0) not in ALLOWED:
                    found.append(f"{path.relative_to(PACKAGE)}: {match.group(0)!r}")
    assert found == [], "counts without {% blocktranslate count %}:\n" + "\n".join(found)


def test_python_messages_pluralise_every_count():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in SINGULAR_ONLY:
                continue
            texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            found += [
                f"{path.relative_to(PACKAGE)}:{node.lineno}: {text!r}"
                for text in texts
                if text not in ALLOWED and PYTHON_COUNT.search(text)
            ]
    assert found == [], "counts without ngettext:\n" + "\n".join(found)


def test_the_sweep_sees_what_it_looks_for():
    """The patterns catch the mistakes they are for (and so cannot pass by matching nothing)."""
    body = "{% blocktranslate with taken=session.seats_taken %}{{ taken }} seats taken{% endblocktranslate %}"
    assert TEMPLATE_COUNT.search(BLOCK.search(body)["body"])
    assert TEMPLATE_COUNT.search("{{ taken }} of {{ capacity }} seats taken")
    assert PYTHON_COUNT.search("Only %(left)d seats are left.")
    assert PYTHON_COUNT.search("The title can be at most %(max)d characters (it has %(n)d).")
    assert not PYTHON_COUNT.search("Attendee %(number)d")
    assert _templates() and _modules()
