"""Open Graph and Twitter card tags: what a link shows when it is shared.

Every public page that people share (course, session, school, instructor,
comparison) prints `share_tags(...)` in its head: title, description, the
page's canonical URL, an image with its size and description, the page's
locale and the other languages it exists in, and a large-image Twitter card.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Open Graph wants language_TERRITORY.
OG_LOCALES = {"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "ar": "ar_AR"}
DEFAULT_IMAGE = ("img/share-default.png", 1200, 630)  # the site's own card, for pages without a picture


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute, or a path on this site
    width: int
    height: int
    alt: str = ""


def og_locale(language: str) -> str:
    return OG_LOCALES.get(language, language)


def default_image() -> ShareImage:
    path, width, height = DEFAULT_IMAGE
    return ShareImage(static(path), width, height, "Coursemarket")


def share_tags(
    request: HttpRequest,
    *,
    title: str,
    description: str,
    url: str,
    image: ShareImage | None,
    kind: str = "website",
) -> SafeString:
    """The <meta> tags (escaped) for a page's head."""
    image = image or default_image()
    image_url = image.url if "://" in image.url else request.build_absolute_uri(image.url)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    alternates = [og_locale(code) for code, _name in settings.LANGUAGES if code != language]
    description = " ".join(description.split())[:300]
    properties = [
        ("og:type", kind),
        ("og:site_name", "Coursemarket"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:locale", og_locale(language)),
        ("og:image", image_url),
        ("og:image:width", str(image.width)),
        ("og:image:height", str(image.height)),
        ("og:image:alt", image.alt or title),
    ]
    if image_url.startswith("https://"):
        properties.append(("og:image:secure_url", image_url))
    names = [
        ("twitter:card", "summary_large_image"),
        ("twitter:title", title),
        ("twitter:description", description),
        ("twitter:image", image_url),
        ("twitter:image:alt", image.alt or title),
    ]
    return format_html(
        "{}{}{}",
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
        format_html_join("", '\n<meta property="og:locale:alternate" content="{}">', ((a,) for a in alternates)),
        format_html_join("", '\n<meta name="{}" content="{}">', names),
    )
