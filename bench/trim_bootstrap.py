"""Development-time trim of the vendored Bootstrap CSS to the rules the project can use (the outputs are committed).

    npm install --prefix /tmp/lh purgecss@6      # development only, never at run time
    .venv/bin/python bench/trim_bootstrap.py

Reads static/vendor/bootstrap-5.3.9/bootstrap{,.rtl}.min.css and writes the same names under
static/vendor/bootstrap-5.3.9/trimmed/, which web/base.html links (the full files stay: the offline page and
anything else may still use them). Phone performance (issue 20): the full sheet is ~230 KB of rules, and every
style recalculation of the page matches against all of them; Lighthouse's Total Blocking Time on the course page
and the listing is mostly style and layout work.

What it keeps (PurgeCSS, default extractor: every word made of letters, digits, `-` and `_`):
- every class, id and element named in a template, script or Python file of the project (coursemarket/**,
  static/js/**, each app's static scripts), in the overridden allauth templates, and in the vendored scripts
  that add classes themselves (Bootstrap's bundle: show, collapsing, modal-backdrop, offcanvas-backdrop,
  dropdown placement...; FullCalendar; htmx);
- SAFELIST below: classes a template builds from a variable (`alert-{{ message.tags }}`, `btn-{% if %}...`)
  in every theme colour, and Bootstrap's state classes;
- all custom properties, @keyframes and @font-face (PurgeCSS's defaults), so `var(--bs-*)` keeps working.
After adding a template that composes a Bootstrap class from a variable, add its pattern to SAFELIST and run
this again; tests/test_trimmed_bootstrap.py checks that every class a template names literally is kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor" / "bootstrap-5.3.9"
OUT = VENDOR / "trimmed"
PURGECSS = os.environ.get("PURGECSS", "/tmp/lh/node_modules/.bin/purgecss")  # its node_modules is NODE_PATH  # noqa: S108 (development only)

CONTENT = [
    "coursemarket/**/*.html",
    "coursemarket/**/*.py",
    "coursemarket/**/*.js",
    "coursemarket/**/*.txt",
    "static/js/**/*.js",
    "static/vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
    "static/vendor/fullcalendar-7.1.0/**/*.js",
    "static/vendor/htmx-2.0.11/**/*.js",
]
COLOURS = "primary|secondary|success|info|warning|danger|light|dark|body|body-secondary|body-tertiary|white|black"
SAFELIST = {
    "standard": ["show", "showing", "hiding", "collapsing", "fade", "active", "disabled", "was-validated"],
    "greedy": [
        rf"^(alert|btn|btn-outline|text-bg|bg|text|border|link|badge|table|list-group-item)-({COLOURS})(-subtle|-emphasis)?$",
        r"^(is-valid|is-invalid|valid-feedback|invalid-feedback|valid-tooltip|invalid-tooltip)$",
        r"^(modal|offcanvas|dropdown|collapse|tooltip|popover|bs-tooltip|bs-popover|carousel|toast)",
    ],
}

NODE_SCRIPT = """
const { PurgeCSS } = require("purgecss");
const fs = require("fs");
const o = JSON.parse(process.argv[2]);
new PurgeCSS().purge({
  content: o.content, css: o.css,
  safelist: { standard: o.standard, greedy: o.greedy.map((r) => new RegExp(r)) },
}).then((result) => fs.writeFileSync(o.output, result[0].css));
"""


def trim(source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "trim.cjs"
        script.write_text(NODE_SCRIPT, encoding="utf-8")
        options = {
            "content": [str(ROOT / pattern) for pattern in CONTENT],
            "css": [str(source)],
            "standard": SAFELIST["standard"],
            "greedy": SAFELIST["greedy"],
            "output": str(Path(tmp) / source.name),
        }
        subprocess.run(
            ["node", str(script), json.dumps(options)],
            check=True,
            cwd=ROOT,
            env={**os.environ, "NODE_PATH": str(Path(PURGECSS).parent.parent)},
        )
        css = (Path(tmp) / source.name).read_text(encoding="utf-8")
    banner = (
        "/* Bootstrap v5.3.9 (https://getbootstrap.com/), MIT, trimmed to the rules Coursemarket uses by "
        "bench/trim_bootstrap.py (PurgeCSS); do not edit. */\n"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(banner + css, encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {source.stat().st_size} -> {target.stat().st_size} bytes")


def main() -> None:
    if not Path(PURGECSS).exists():
        sys.exit(f"PurgeCSS not found at {PURGECSS}: npm install --prefix /tmp/lh purgecss@6 (or set PURGECSS)")
    for name in ("bootstrap.min.css", "bootstrap.rtl.min.css"):
        trim(VENDOR / name, OUT / name)
    license_file = VENDOR / "LICENSE"
    if license_file.exists():
        (OUT / "LICENSE").write_text(license_file.read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    main()
