"""A school's brand colour becomes the design system's custom properties
(--cm-primary and friends), adjusted so white text on it stays readable."""

from __future__ import annotations

from .models import School


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(rgb: tuple[float, float, float]) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def _mix(rgb: tuple[float, float, float], other: tuple[float, float, float], amount: float) -> tuple[float, ...]:
    return tuple(c + (o - c) * amount for c, o in zip(rgb, other, strict=True))


def theme_variables(school: School) -> dict[str, str]:
    """The CSS variables for the school's pages; empty without a brand colour."""
    if not school.brand_primary_color:
        return {}
    rgb: tuple[float, ...] = _rgb(school.brand_primary_color)
    # Darken until white text on it reaches WCAG AA (4.5:1).
    steps = 0
    while contrast_with_white(rgb) < 4.5 and steps < 20:  # type: ignore[arg-type]
        rgb = _mix(rgb, (0, 0, 0), 0.08)  # type: ignore[arg-type]
        steps += 1
    black = (0.0, 0.0, 0.0)
    white = (255.0, 255.0, 255.0)
    variables = {
        "--cm-primary": _hex(rgb),  # type: ignore[arg-type]
        "--cm-primary-hover": _hex(_mix(rgb, black, 0.18)),  # type: ignore[arg-type]
        "--cm-primary-rgb": ", ".join(str(round(c)) for c in rgb),
        "--cm-primary-soft": _hex(_mix(rgb, white, 0.9)),  # type: ignore[arg-type]
    }
    if school.brand_accent_color:
        accent = _rgb(school.brand_accent_color)
        variables["--cm-accent"] = school.brand_accent_color
        variables["--cm-accent-soft"] = _hex(_mix(accent, white, 0.85))  # type: ignore[arg-type]
    return variables


def theme_css(school: School) -> str:
    variables = theme_variables(school)
    if not variables:
        return ""
    # Values are built from validated #rrggbb strings only: safe in a style tag.
    body = "; ".join(f"{name}: {value}" for name, value in variables.items())
    return f":root {{ {body}; }}"
