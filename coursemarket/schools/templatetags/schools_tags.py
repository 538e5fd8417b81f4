from __future__ import annotations

import hashlib
from decimal import Decimal

import markdown as md
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

from coursemarket.core import images

from .. import branding
from ..models import School
from ..sections import PageSection

register = template.Library()


@register.simple_tag
def school_cover(school: School, where: str = "page") -> SafeString | str:
    """The school's cover as renditions (made when it was uploaded): across
    its page ("page", loaded first) or on its directory card ("card", lazily);
    "" without a cover. Decorative: the school's name is beside it."""
    kind = images.BANNER if where == "page" else images.BANNER_CARD
    found = images.picture(school.cover_image, kind)
    return found.html(lazy=where != "page") if found else ""


@register.simple_tag(takes_context=True)
def page_section(context: template.Context, section: PageSection) -> SafeString:
    """Render a registered page section (schools.sections) like an include with
    its own context: a missing template raises TemplateDoesNotExist. A shared
    section comes rendered."""
    if section.html is not None:
        return section.html
    found = context.template.engine.get_template(section.template)  # type: ignore[union-attr]
    with context.push(**section.context):
        return mark_safe(found.render(context))  # noqa: S308 - a rendered template, escaped by the engine


ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "h3", "h4", "code"}


@register.filter
def markdown(text: str | None) -> SafeString:
    """Simple Markdown from schools and instructors, sanitised (nh3): no raw
    HTML, no scripts, links open safely."""
    if not text:
        return mark_safe("")
    html = md.markdown(text, extensions=["nl2br", "sane_lists"], output_format="html")
    # Demote headings: the page owns h1/h2.
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3)


@register.filter
def hue(text: str | None) -> int:
    """A stable hue (0–359) for a name, for initials avatars."""
    digest = hashlib.sha256((text or "").encode()).digest()
    return int.from_bytes(digest[:2], "big") % 360


@register.filter
def osm_url(location: object) -> str:
    lat = getattr(location, "latitude", None)
    lng = getattr(location, "longitude", None)
    if lat is None or lng is None:
        return ""
    lat, lng = Decimal(lat).normalize(), Decimal(lng).normalize()
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


@register.filter
def coord(value: object) -> str:
    """A coordinate for a data- attribute: always with a dot, never localised."""
    return format(Decimal(str(value)), "f") if value is not None else ""


@register.filter
def mark_color(school: School) -> str:
    """The background of a school's initials mark: its brand colour, darkened until white letters read on it."""
    return branding.mark_color(school)
