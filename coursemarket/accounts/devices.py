"""What a browser is, from its user agent: a short label ("Firefox on
Windows") and a fingerprint that stays the same across version updates, so
that signing in after a browser update is not a "new device"."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# Order matters: many browsers also name the engines they are compatible with
# (Edge says "Chrome" and "Safari", Chrome says "Safari").
_BROWSERS: tuple[tuple[str, str], ...] = (
    (r"\bEdg(e|A|iOS)?/", "Edge"),
    (r"\b(OPR|Opera|OPiOS)/", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\bYaBrowser/", "Yandex Browser"),
    (r"\bVivaldi/", "Vivaldi"),
    (r"\b(Firefox|FxiOS)/", "Firefox"),
    (r"\b(HeadlessChrome|Chrome|Chromium|CriOS)/", "Chrome"),
    (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
    (r"\b(MSIE |Trident/)", "Internet Explorer"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    (r"\b(iPhone|iPad|iPod)\b", "iOS"),
    (r"\bAndroid\b", "Android"),
    (r"\bCrOS\b", "ChromeOS"),
    (r"\bWindows\b", "Windows"),
    (r"\b(Macintosh|Mac OS X)\b", "macOS"),
    (r"\bLinux\b", "Linux"),
)


@dataclass(frozen=True)
class Device:
    browser: str
    system: str
    fingerprint: str

    @property
    def label(self) -> str:
        if self.browser and self.system:
            return f"{self.browser} · {self.system}"
        return self.browser or self.system


def _first(patterns: tuple[tuple[str, str], ...], user_agent: str) -> str:
    for pattern, name in patterns:
        if re.search(pattern, user_agent):
            return name
    return ""


def describe_user_agent(user_agent: str) -> Device:
    """The browser family and operating system, never the raw string (which
    changes with every update). An agent we do not recognise is fingerprinted
    by its text without version numbers."""
    user_agent = (user_agent or "").strip()
    browser = _first(_BROWSERS, user_agent)
    system = _first(_SYSTEMS, user_agent)
    versionless = re.sub(r"[\d._]+", "", user_agent).lower()
    key = f"{browser}|{system}" if browser or system else f"other|{versionless}"
    fingerprint = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return Device(browser=browser, system=system, fingerprint=fingerprint)
