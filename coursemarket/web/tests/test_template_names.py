"""ARIA in the templates, read as text: an accessible name (aria-label) only on an element that may carry
one. On an <i>, <span> or <div> without a role, ARIA 1.2 prohibits it and screen readers drop it, so an
icon that says something ("Verified school") must be role="img"."""

from __future__ import annotations

import re
from pathlib import Path

import coursemarket

GENERIC_WITH_NAME = re.compile(r"<(?:i|span|div|b|em|strong|small)\b(?![^>]*\brole=)[^>]*\baria-label(?:ledby)?=")


def test_no_accessible_name_on_a_generic_element():
    root = Path(coursemarket.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()[:120]}"
        for path in sorted(root.glob("*/templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if GENERIC_WITH_NAME.search(line)
    ]
    assert not found, "\n".join(found)
