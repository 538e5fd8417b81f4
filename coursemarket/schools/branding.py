"""A school's brand colour becomes the design system's custom properties
(--cm-primary and friends), adjusted so that text in it and white text on it
stay readable (WCAG AA) on every background the design system puts it on."""

from __future__ import annotations

from .models import School


def _rgb(hex_color: str) -> tuple[float, ...]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


WHITE = (255.0, 255.0, 255.0)
BLACK = (0.0, 0.0, 0.0)
# The page background (--cm-canvas): brand-coloured links and buttons sit on it as well as on white.
CANVAS = (248.0, 250.0, 252.0)


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _mix(rgb: tuple[float, ...], other: tuple[float, ...], amount: float) -> tuple[float, ...]:
    """Mixed and rounded to whole channels, as the hex value in the page will be (contrast is checked on it)."""
    return tuple(float(round(c + (o - c) * amount)) for c, o in zip(rgb, other, strict=True))


def _soft(rgb: tuple[float, ...]) -> tuple[float, ...]:
    return _mix(rgb, WHITE, 0.9)


def readable_primary(hex_color: str) -> tuple[float, ...]:
    """The brand colour, darkened until it reaches WCAG AA (4.5:1) in every pairing the design system makes:
    white text on it (buttons, marks), and it as text on white, on the canvas and on its own soft tint (chips)."""
    rgb: tuple[float, ...] = _rgb(hex_color)
    steps = 0
    while min(contrast(rgb, CANVAS), contrast(rgb, _soft(rgb))) < 4.5 and steps < 30:
        rgb = _mix(rgb, BLACK, 0.08)
        steps += 1
    return rgb


def mark_color(school: School) -> str:
    """The background of the school's initials mark: its brand colour as readable under white letters."""
    return _hex(readable_primary(school.brand_primary_color)) if school.brand_primary_color else ""


def theme_variables(school: School) -> dict[str, str]:
    """The CSS variables for the school's pages; empty without a brand colour."""
    if not school.brand_primary_color:
        return {}
    rgb = readable_primary(school.brand_primary_color)
    variables = {
        "--cm-primary": _hex(rgb),
        "--cm-primary-hover": _hex(_mix(rgb, BLACK, 0.18)),
        "--cm-primary-rgb": ", ".join(str(round(c)) for c in rgb),
        "--cm-primary-soft": _hex(_soft(rgb)),
    }
    if school.brand_accent_color:
        accent = _rgb(school.brand_accent_color)
        variables["--cm-accent"] = school.brand_accent_color
        variables["--cm-accent-soft"] = _hex(_mix(accent, WHITE, 0.85))
    return variables


def theme_css(school: School) -> str:
    variables = theme_variables(school)
    if not variables:
        return ""
    # Values are built from validated #rrggbb strings only: safe in a style tag.
    body = "; ".join(f"{name}: {value}" for name, value in variables.items())
    return f":root {{ {body}; }}"
