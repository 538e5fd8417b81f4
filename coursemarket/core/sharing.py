"""Open Graph and Twitter card tags: what a link shows when it is shared.

Every public page that people share (course, session, school, instructor,
comparison) prints `share_tags(...)` in its head: title, description, the
page's canonical URL, an image with its size and description, and a
large-image Twitter card. The page's locale and the other languages it exists
in (og:locale, og:locale:alternate) are on every page: `locale_tags`, printed
by web/base.html.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Open Graph wants language_TERRITORY: the locale we format in (settings.BABEL_LOCALES),
# except Arabic, which Facebook knows as one "ar_AR".
OG_EXCEPTIONS = {"ar": "ar_AR"}
DEFAULT_IMAGE = ("img/share-default.png", 1200, 630)  # the site's own card, for pages without a picture


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute, or a path on this site
    width: int
    height: int
    alt: str = ""


def og_locale(language: str) -> str:
    """ "pt-br" → "pt_BR", "ja" → "ja_JP", "ar" → "ar_AR"."""
    code = language.lower()
    return OG_EXCEPTIONS.get(code) or settings.BABEL_LOCALES.get(code) or code.replace("-", "_")


def locale_tags(language: str | None = None) -> SafeString:
    """og:locale and one og:locale:alternate per other interface language:
    in the head of every page (web/base.html), shared or not."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    alternates = [og_locale(code) for code, _name in settings.LANGUAGES if code != language]
    return format_html(
        '<meta property="og:locale" content="{}">{}',
        og_locale(language),
        format_html_join("", '\n<meta property="og:locale:alternate" content="{}">', ((a,) for a in alternates)),
    )


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
    description = " ".join(description.split())[:300]
    properties = [
        ("og:type", kind),
        ("og:site_name", "Coursemarket"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
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
        "{}{}",
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
        format_html_join("", '\n<meta name="{}" content="{}">', names),
    )
