from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coursemarket.core.money import format_items, format_money, format_number

register = template.Library()


@register.filter
def money(amount: Decimal | int | str | None, currency: str) -> str:
    """{{ course.price|money:course.currency }} → "€1,234.50" / "1.234,50 €" / "١٬٢٣٤٫٥٠ US$"."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency, language=translation.get_language())


@register.filter
def money_off(amount: Decimal | int | str | None, currency: str) -> str:
    """{{ discount|money_off:currency }} → "−€43.50" / "−43,50 €" / "‏−43.50 €": an
    amount taken off, written as the language writes a negative amount (CLDR's
    pattern and its direction marks, so it reads right in Arabic), with a true
    minus sign."""
    if amount is None or amount == "":
        return ""
    negative = format_money(-abs(Decimal(amount)), currency, language=translation.get_language())
    return negative.replace("-", "\u2212", 1)


@register.filter
def number(value: Any) -> str:
    if value is None or value == "":
        return ""
    return format_number(value, language=translation.get_language())


@register.filter
def items(values: Any, style: str = "standard") -> str:
    """{{ names|items }} → "Ana, Ben, and Carla" / "Ana وBen وCarla" /
    "Ana、Ben、Carla": a list joined as the page's language joins one (CLDR);
    {{ names|items:"or" }} for alternatives. Instead of |join:", "."""
    if not values:
        return ""
    return format_items(values, style="or" if style == "or" else "standard", language=translation.get_language())


@register.simple_tag(takes_context=True)
def language_url(context: Any, language: str) -> str:
    """This page's address in another language (for hreflang and the switcher)."""
    from django.urls import NoReverseMatch, reverse, translate_url

    request = context.get("request")
    if request is None:
        return "/"
    # Asked for every language in the head and again in the footer: work out once each,
    # from the match the request already has (translate_url would resolve the path again).
    found: dict[str, str] = request.__dict__.setdefault("_language_urls", {})
    if language not in found:
        match = getattr(request, "resolver_match", None)
        if match is None or not match.url_name:
            found[language] = translate_url(request.build_absolute_uri(), language)
        else:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            try:
                with translation.override(language):
                    path = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                found[language] = translate_url(request.build_absolute_uri(), language)
            else:
                query = request.META.get("QUERY_STRING", "")
                found[language] = request.build_absolute_uri(path) + (f"?{query}" if query else "")
    return found[language]


@register.simple_tag(takes_context=True)
def default_language_url(context: Any) -> str:
    """This page's bare address (no language prefix), the hreflang
    "x-default": it redirects each visitor to their own language."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    url = language_url(context, settings.LANGUAGE_CODE)
    parts = urlsplit(url)
    prefix = f"/{settings.LANGUAGE_CODE}/"
    if not parts.path.startswith(prefix):
        return url
    return urlunsplit(parts._replace(path="/" + parts.path[len(prefix) :]))


@register.simple_tag
def og_locale_tags() -> SafeString:
    """og:locale and its alternates, for every page's head (core/sharing.py)."""
    from coursemarket.core.sharing import locale_tags

    return locale_tags(translation.get_language())


@register.simple_tag
def interface_languages() -> list[Any]:
    """The interface's languages, each named in itself ("Português (Brasil)",
    "日本語"), for the switcher (core/languages.py)."""
    from coursemarket.core.languages import interface_languages as languages

    return list(languages())


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """{{ mapping|get_item:key }}: a dict lookup with a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """School-written Markdown as sanitised HTML."""
    from coursemarket.catalog.markup import render_markdown

    return render_markdown(text)


@register.filter
def isolate(value: Any) -> SafeString:
    """`value` in a `<bdi>`, for a left-to-right fragment (an email address,
    a reference) inside a translated sentence: in Arabic its punctuation then
    stays on its own side."""
    return format_html("<bdi>{}</bdi>", value)
