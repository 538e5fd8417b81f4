"""Development-time subsetting of the vendored fonts and the icon set (the outputs are committed).

    .venv/bin/python bench/fonts.py [path/to/bootstrap-icons/icons]

Fonts (fontTools; sources in coursemarket/catalog/fonts/, the variable fonts as fontsource ships them): each is cut
to the weights the site uses (400–700, the `wght` axis limited, so `font-weight` still works) and to
the characters its `unicode-range` in static/css/site.css (Arabic: web/base.html) declares, with the
default OpenType layout features (kerning, ligatures, Arabic joining forms). Written to
static/vendor/fonts/ as `*-400-700.woff2`.

Icons: static/css/icons.css replaces the 134 KB Bootstrap Icons font and its 87 KB stylesheet with
only the icons the project uses, each an SVG (Bootstrap Icons 1.13.2, MIT; `npm pack
bootstrap-icons@1.13.2` into /tmp) drawn as a CSS mask in the text's colour, so `<i class="bi
bi-search">` keeps working unchanged. An icon is "used" when its name appears after `bi-` or as an
`icon="…"`/`icon=…` argument in a template, script or Python file; run this again after using a
new icon (tests/test_icons.py fails until then)."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from urllib.parse import quote

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "coursemarket" / "catalog" / "fonts"  # the full faces, also drawn on share cards
OUT = ROOT / "static" / "vendor" / "fonts"
ICONS_CSS = ROOT / "static" / "css" / "icons.css"
DEFAULT_ICONS = Path("/tmp/bootstrap-icons/package/icons")  # noqa: S108 (npm pack output, development only)

LATIN = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,"
    "U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"
)
LATIN_EXT = (
    "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,"
    "U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF"
)
# Arabic letters, marks and digits (the Arabic-Indic digits Babel writes for "ar"), the joiners and
# the Arabic comma/semicolon; the presentation-form blocks are left out (shaping uses GSUB).
ARABIC = "U+0600-06FF,U+0750-077F,U+200C-200F,U+2010-2011,U+204F,U+25CC"

FONTS = {
    "inter-latin-wght-normal.woff2": ("inter-latin-400-700.woff2", LATIN),
    "inter-latin-ext-wght-normal.woff2": ("inter-latin-ext-400-700.woff2", LATIN_EXT),
    "noto-sans-arabic-arabic-wght-normal.woff2": ("noto-sans-arabic-400-700.woff2", ARABIC),
}


def unicodes(ranges: str) -> list[int]:
    points: list[int] = []
    for part in ranges.split(","):
        part = part.strip().removeprefix("U+")
        low, _, high = part.partition("-")
        points.extend(range(int(low, 16), int(high or low, 16) + 1))
    return points


def subset_font(source: Path, target: Path, ranges: str) -> None:
    limited = io.BytesIO()
    instancer.instantiateVariableFont(TTFont(source), {"wght": (400, 700)}).save(limited)
    limited.seek(0)
    font = TTFont(limited)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep what the text needs (kern, liga, Arabic init/medi/fina…)
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes(ranges))
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)
    print(f"{target.relative_to(ROOT)}: {source.stat().st_size:>7} -> {target.stat().st_size:>7} bytes")


ICON_USE = re.compile(r"(?:\bbi-|\bicon=\"?'?)([a-z0-9]+(?:-[a-z0-9]+)*)")


def used_icons(available: set[str]) -> list[str]:
    names: set[str] = set()
    for pattern in ("coursemarket/**/*.html", "coursemarket/**/*.py", "coursemarket/**/*.js", "static/js/*.js"):
        for path in ROOT.glob(pattern):
            for name in ICON_USE.findall(path.read_text(encoding="utf-8", errors="ignore")):
                if name in available:
                    names.add(name)
    # Icons named by data: "icon": "translate" in the demo's JSON (categories).
    for path in ROOT.glob("coursemarket/**/*.json"):
        for name in re.findall(r'"icon":\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8", errors="ignore")):
            if name in available:
                names.add(name)
    # Also the names chosen in a template by {% if %}: bi-{% if … %}camera-video{% else %}geo-alt{% endif %}.
    for path in ROOT.glob("coursemarket/**/*.html"):
        for chunk in re.findall(r"\bbi-\{%[^\"]*", path.read_text(encoding="utf-8")):
            names.update(name for name in re.findall(r"%\}([a-z0-9-]+)\{%", chunk) if name in available)
    return sorted(names)


def svg_data(svg: str) -> str:
    svg = re.sub(r"\s+", " ", svg).strip()
    svg = re.sub(r' (class|width|height|fill)="[^"]*"', "", svg)
    svg = svg.replace('"', "'")
    return "data:image/svg+xml," + quote(svg, safe=" '/=:.,-#;()")


def icons_css(icons_dir: Path) -> None:
    available = {path.stem for path in icons_dir.glob("*.svg")}
    names = used_icons(available)
    lines = [
        "/* Bootstrap Icons 1.13.2 (MIT, https://icons.getbootstrap.com), only the icons the project uses,",
        "   as SVG masks in the text's colour. Generated by bench/fonts.py; do not edit. */",
        "/* The 1em box of every icon is in site.css (render-blocking), so nothing moves when this arrives. */",
        # An icon not in the subset (a name typed in the admin) stays an empty box, not a filled square.
        '.bi::before, [class^="bi-"]::before, [class*=" bi-"]::before { background-color: var(--bi-c, transparent);'
        " -webkit-mask: var(--bi) center / contain no-repeat; mask: var(--bi) center / contain no-repeat; }",
    ]
    # The form errors' warning sign (site.css, .invalid-feedback::before). On .invalid-feedback, not :root: a
    # custom property set on :root by a late stylesheet restyled every element of the page (Lighthouse's TBT).
    invalid = svg_data((icons_dir / "exclamation-triangle-fill.svg").read_text(encoding="utf-8"))
    lines.append(f'.invalid-feedback {{ --bi-invalid: url("{invalid}"); }}')
    for name in names:
        data = svg_data((icons_dir / f"{name}.svg").read_text(encoding="utf-8"))
        lines.append(f'.bi-{name} {{ --bi: url("{data}"); --bi-c: currentColor; }}')
    ICONS_CSS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{ICONS_CSS.relative_to(ROOT)}: {len(names)} icons, {ICONS_CSS.stat().st_size} bytes")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for source, (target, ranges) in FONTS.items():
        subset_font(SOURCES / source, OUT / target, ranges)
    icons_css(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ICONS)


if __name__ == "__main__":
    main()
