"""Lighthouse (mobile, simulated throttling) on the course page and the listing.

    make bench-lighthouse                       # against http://127.0.0.1:8000 (make run)
    BENCH_URL=http://127.0.0.1:8023 LIGHTHOUSE=/tmp/lh/node_modules/.bin/lighthouse .venv/bin/python bench/lighthouse.py

Lighthouse is a development-time tool (npm; `npm install --prefix /tmp/lh lighthouse@12`), run against
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Prints, per page: the performance score, LCP,
CLS, TBT, and the first visit's transfer size in total and without images (compressed, as sent), and the
render-blocking resources, the main thread's long tasks (observed, before Lighthouse's 4x CPU slowdown) and
the scripts' boot-up time. The course page is the listing's first course.

Each page runs BENCH_RUNS times (default 3) and the median run (by TBT) is printed last with the load average
before it: TBT is simulated from the observed main-thread tasks, so a busy machine inflates it.
BENCH_PAGES=listing,course-en,course-ar picks pages; BENCH_SAVE=/some/dir keeps the JSON reports."""

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
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SAVE = os.environ.get("BENCH_SAVE", "")


def course_url(language: str) -> str:
    html = urllib.request.urlopen(f"{BASE}/{language}/courses/", timeout=30).read().decode()
    match = re.search(rf'href="(/{language}/courses/[^"/?]+/)"', html)
    if not match:
        sys.exit("no course on the listing: seed the demo first (manage.py seed_demo)")
    return BASE + match.group(1)


def run(url: str, name: str = "", index: int = 0) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        for attempt in range(3):  # Lighthouse sometimes loses the trace on a busy machine (NO_NAVSTART): again
            done = subprocess.run(
                [
                    LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile",
                    "--only-categories=performance",
                    f"--chrome-flags=--headless=new --no-sandbox --user-data-dir={tmp}/p{attempt}",
                ],
                check=False,
                env={**os.environ, "CHROME_PATH": CHROME},
            )  # fmt: skip
            if done.returncode == 0:
                break
        else:
            sys.exit(f"lighthouse failed three times on {url}")
        report = json.loads(out.read_text())
        if SAVE:
            Path(SAVE).mkdir(parents=True, exist_ok=True)
            (Path(SAVE) / f"{name.replace(' ', '-')}-{index}.json").write_text(out.read_text())
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
        "long_tasks": [
            f"{item['url'].rsplit('/', 1)[-1] or 'page'}:{round(item['duration'])}"
            for item in (audits.get("long-tasks", {}).get("details") or {}).get("items", [])[:6]
        ],
        "bootup_ms": {
            item["url"].rsplit("/", 1)[-1] or "page": round(item["total"])
            for item in (audits.get("bootup-time", {}).get("details") or {}).get("items", [])[:6]
        },
    }


def main() -> None:
    pages = {
        "listing en": lambda: f"{BASE}/en/courses/",
        "listing ar": lambda: f"{BASE}/ar/courses/",
        "course en": lambda: course_url("en"),
        "course ar": lambda: course_url("ar"),
    }
    wanted = os.environ.get("BENCH_PAGES", "listing-en,listing-ar,course-en,course-ar").split(",")
    for name, make_url in pages.items():
        if name.replace(" ", "-") not in wanted:
            continue
        url = make_url()
        results = []
        for index in range(RUNS):
            load = os.getloadavg()[0]
            result = {"load": round(load, 2), **run(url, name, index)}
            results.append(result)
            print(name, url, json.dumps(result), flush=True)
        middle = sorted(results, key=lambda r: float(r["tbt_ms"]))[len(results) // 2]  # type: ignore[arg-type]
        print(
            f"MEDIAN {name}: TBT {middle['tbt_ms']} ms, LCP {middle['lcp_ms']} ms, CLS {middle['cls']}, "
            f"{middle['transfer_no_images_kb']} KB without images ({middle['transfer_kb']} KB in all), "
            f"TBT of the runs {[r['tbt_ms'] for r in results]}, load {[r['load'] for r in results]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
