"""Development-time generator of the installable app's images (committed under static/img/pwa/).

    .venv/bin/python bench/pwa_assets.py

Draws the logo mark (static/img/logo-mark.svg: an indigo rounded square, a
white mortarboard, an amber band) with Pillow at 4x and scales it down, so no
SVG renderer is needed: the 192/512 px "any" icons (the rounded square), the
maskable ones (full-bleed indigo, the mark inside the 80 % safe zone), the
180 px apple-touch-icon and iOS launch images for common iPhone sizes.

    .venv/bin/python bench/pwa_assets.py --screenshots http://127.0.0.1:8000

takes the manifest's screenshots (the install dialog shows them) from a running
demo (`make run`) with Playwright and Debian's Chromium: a course page on a
phone (390x844, "narrow") and the listing on a laptop (1366x900, "wide")."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "pwa"
INDIGO = (67, 56, 202, 255)
WHITE = (255, 255, 255, 255)
AMBER = (251, 191, 36, 255)
BACKGROUND = (248, 250, 252, 255)  # the page's background (--bs-body-bg of site.css's light theme)
# iPhone launch images: (width, height) in device pixels, portrait.
SPLASH = [(750, 1334), (1170, 2532), (1179, 2556), (1284, 2778), (1290, 2796)]


def _mark(draw: ImageDraw.ImageDraw, x0: float, y0: float, unit: float) -> None:
    """The mortarboard and band of the 32-unit logo, at (x0, y0), `unit` pixels a unit."""

    def p(x: float, y: float) -> tuple[float, float]:
        return (x0 + x * unit, y0 + y * unit)

    draw.polygon([p(8, 12.5), p(16, 8), p(24, 12.5), p(16, 17), p(8, 12.5)], fill=WHITE)
    # The band: a cap from (11, 15.2) to (21, 15.2) down to y 19.5, rounded at the bottom to 22.5.
    band = [p(11, 15.2), p(16, 18), p(21, 15.2), p(21, 19.5)]
    steps = 24
    for i in range(steps + 1):  # the lower half-ellipse from (21, 19.5) through (16, 22.5) to (11, 19.5)
        t = math.pi * i / steps
        band.append(p(16 + 5 * math.cos(t), 19.5 + 3 * math.sin(t)))
    band.append(p(11, 19.5))
    draw.polygon(band, fill=AMBER)


def icon(size: int, *, maskable: bool = False, opaque: bool = False) -> Image.Image:
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), INDIGO if (maskable or opaque) else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # The mark fills the middle 70 % (inside the 80 % safe circle of maskable icons).
        unit = big * 0.7 / 16
        _mark(draw, big / 2 - 16 * unit, big / 2 - 15.3 * unit, unit)
    else:
        if not opaque:
            draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 8 / 32, fill=INDIGO)
        unit = big / 32
        _mark(draw, 0, 0, unit)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return image if not opaque else image.convert("RGB")


def splash(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), BACKGROUND[:3])
    mark = icon(min(width, height) // 3)
    image.paste(mark, ((width - mark.width) // 2, (height - mark.height) // 2), mark)
    return image


def screenshots(base: str) -> None:
    import re
    import urllib.request

    from playwright.sync_api import sync_playwright

    listing = f"{base}/en/courses/"
    html = urllib.request.urlopen(listing, timeout=30).read().decode()
    course = base + re.search(r'href="(/en/courses/[^"/?]+/)"', html).group(1)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, url, width, height, phone in (
            ("screenshot-narrow.png", course, 390, 844, True),
            ("screenshot-wide.png", listing, 1366, 900, False),
        ):
            context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone)
            page = context.new_page()
            page.goto(url, wait_until="networkidle")
            page.screenshot(path=str(OUT / name))
            context.close()
        browser.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if sys.argv[1:2] == ["--screenshots"]:
        screenshots(sys.argv[2].rstrip("/"))
        return
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    icon(180, opaque=True).save(OUT / "apple-touch-icon.png", optimize=True)  # iOS draws its own corners
    for width, height in SPLASH:
        splash(width, height).save(OUT / f"splash-{width}x{height}.png", optimize=True)
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(OUT.parent.parent.parent)}  {path.stat().st_size:>7} bytes")


if __name__ == "__main__":
    main()
