"""Lighthouse (mobile, simulated throttling) on the course page and the listing.

    make bench-lighthouse                       # against http://127.0.0.1:8000 (make run)
    BENCH_URL=http://127.0.0.1:8023 LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse .venv/bin/python bench/lighthouse.py

Lighthouse is a development-time tool (npm; `npm install --prefix /tmp/lh lighthouse@12`), run against
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Prints, per page: the performance score, LCP,
CLS, TBT, and the first visit's transfer size in total and without images (compressed, as sent), and the
render-blocking resources. The course page is the listing's first course."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

BASE = os.environ.get("BENCH_URL", "http://127.0.0.1:8000").rstrip("/")
LIGHTHOUSE = os.environ.get("LIGHTHOUSE", "lighthouse")
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
RUNS = int(os.environ.get("BENCH_RUNS", "1"))


def course_url(language: str) -> str:
    html = urllib.request.urlopen(f"{BASE}/{language}/courses/", timeout=30).read().decode()
    match = re.search(rf'href="(/{language}/courses/[^"/?]+/)"', html)
    if not match:
        sys.exit("no course on the listing: seed the demo first (manage.py seed_demo)")
    return BASE + match.group(1)


def run(url: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile",
                "--only-categories=performance", f"--chrome-flags=--headless=new --no-sandbox --user-data-dir={tmp}/p",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": CHROME},
        )  # fmt: skip
        report = json.loads(out.read_text())
    audits = report["audits"]
    items = audits["network-requests"]["details"]["items"]
    total = sum(item.get("transferSize", 0) for item in items)
    images = sum(item.get("transferSize", 0) for item in items if item.get("resourceType") == "Image")
    blocking = [
        item["url"].rsplit("/", 1)[-1]
        for item in (audits.get("render-blocking-resources", {}).get("details") or {}).get("items", [])
    ]
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "transfer_kb": round(total / 1024, 1),
        "transfer_no_images_kb": round((total - images) / 1024, 1),
        "fonts": [i["url"].rsplit("/", 1)[-1] for i in items if i.get("resourceType") == "Font"],
        "render_blocking": blocking,
    }


def main() -> None:
    pages = {
        "listing en": f"{BASE}/en/courses/",
        "course en": course_url("en"),
        "course ar": course_url("ar"),
    }
    for name, url in pages.items():
        for _ in range(RUNS):
            print(name, url, json.dumps(run(url)), flush=True)


if __name__ == "__main__":
    main()
