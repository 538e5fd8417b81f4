from __future__ import annotations

import hashlib
from datetime import datetime
from functools import partial
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language, get_language_info, gettext, ngettext

from coursemarket.activity.pages import note_result_count
from coursemarket.core import images
from coursemarket.core.sharing import ShareImage, share_tags

from . import seo, sharecards
from .cards import course_cards
from .course_sections import course_page_sections
from .coursepage import session_cards_html
from .forms import ListingForm
from .models import Course, Session
from .pagecache import (
    ALL,
    LISTING,
    asset_version,
    cached_for_anonymous,
    course_scope,
    fresh_until,
    request_versions,
    shared_parts,
    versioned_fragment_seconds,
    wants_json,
)
from .policies import describe
from .search.answer import search_answer
from .search.autocomplete import Option, suggest
from .selectors import (
    PRICE_BANDS,
    PagedCourses,
    attach_texts,
    category_by_slug,
    category_nodes,
    cities_with_sessions,
    course_instructors,
    course_listing,
    course_text,
    current_language,
    next_sessions_for,
    public_course,
    upcoming_sessions,
    with_texts,
)

PAGE_SIZE = 20


def _listing(request: HttpRequest, *, category_slug: str = "") -> HttpResponse:
    params = request.GET.copy()
    if category_slug:
        params["category"] = category_slug
    form = ListingForm(params)
    form.is_valid()
    filters = form.filters()
    listing = course_listing(filters, facets=True)
    paginator: Paginator[Course] = Paginator(PagedCourses(with_texts(listing.courses), **listing.paging), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    courses = attach_texts(page.object_list)
    note_result_count(request, page.paginator.count)  # for the activity log's search events
    why = listing.search.why([c.id for c in courses]) if listing.search else {}
    if wants_json(request):  # the ranked hits alone: no facets, cards or chips
        ignored = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return search_answer(request, page=page, courses=courses, listing=listing, why=why, ignored=ignored)
    form.show_counts(listing.facets)
    chips = form.chips(request.GET)
    if filters.category:
        node = next((n for n in category_nodes().values() if n.slug == filters.category), None)
        others = request.GET.copy()
        others.pop("category", None)
        others.pop("page", None)
        address = reverse("catalog:course_list") + ("?" + others.urlencode() if others else "")
        label = gettext("%(filter)s: %(value)s") % {
            "filter": form.fields["category"].label,
            "value": node.name if node else filters.category,
        }
        chips.insert(0, (label, address))
    context = {
        "chips": chips,
        "price_bands": _price_bands(request, listing.facets.get("price", {})),
        "form": form,
        "listing": listing,
        "page": page,
        "courses": courses,
        "results": _results_grid(
            courses,
            course_cards(courses, next_sessions_for(courses, filters), request=request, eager=3),
            why if listing.search else None,
        ),
        "filters": filters,
        "categories": category_nodes(),
        "category": category_by_slug(category_slug) if category_slug else None,
        "query_string": _without_page(request),
        "cities": cities_with_sessions(),
        "why": why,
    }
    context["filter_choices"] = _filter_choices(request, context, listing.facets)
    partial = bool(request.htmx and not request.htmx.boosted)  # type: ignore[attr-defined]
    context["partial"] = partial  # the filters' counts come along, out of band
    response = render(request, "catalog/_results.html" if partial else "catalog/course_list.html", context)
    patch_vary_headers(response, ["Accept"])  # the same address answers JSON when asked
    return response


def _results_grid(courses: list[Course], cards: dict[int, SafeString], why: dict[int, str] | None) -> SafeString:
    """The page's cards in order, each with its "why this result" line when
    searching (`why` is None otherwise), joined here rather than by a loop
    in the template, whose filter, condition and include per card cost
    ~0.6 ms a page (the cards themselves come from their cache). The markup
    is the template's, byte for byte (catalog/tests/test_results_grid.py)."""
    if why is None:
        return mark_safe("".join(cards[course.id] for course in courses))  # noqa: S308 - rendered cards
    label = gettext("Why this result:")
    parts = []
    for course in courses:
        line = why.get(course.id)
        because = (
            format_html(
                '<p class="search-why"><i class="bi bi-info-circle" aria-hidden="true"></i> '
                '<span class="visually-hidden">{} </span>{}</p>',
                label,
                line,
            )
            if line
            else ""
        )
        parts.append(format_html('<div class="course-result">{}{}\n</div>', cards[course.id], because))
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped by format_html


def _filter_choices(request: HttpRequest, context: dict[str, object], facets: dict[str, dict[str, int]]) -> str:
    """The filter fields with their counts, rendered once per set of filters:
    about half of a listing's rendering (a dozen fields, the categories' and
    cities' options). Their HTML depends only on the parameters (the page
    aside), the category page, the language and the counts, which make its
    key; kept as long as the facets are (CATALOG_VERSIONED_FRAGMENT_SECONDS)."""
    template = get_template("catalog/includes/filter_choices.html")
    seconds = versioned_fragment_seconds()
    if seconds <= 0:
        return template.render(context, request)
    params = sorted((k, v) for k, values in request.GET.lists() if k != "page" for v in values)
    category = context["category"]
    shown = f"{params!r}|{getattr(category, 'slug', '')}|{get_language()}|{sorted(facets.items())!r}"
    key = "catalog:filters:" + hashlib.sha256(shown.encode()).hexdigest()
    html: str | None = cache.get(key)
    if html is None:
        html = str(template.render(context, request))
        cache.set(key, html, seconds)
    return mark_safe(html)  # noqa: S308 - rendered by the template


def _price_bands(request: HttpRequest, counts: dict[str, int]) -> list[dict[str, object]]:
    """The price facets as links that set both ends of the price filter."""
    bands = []
    for key, low, high in PRICE_BANDS:
        params = request.GET.copy()
        params.pop("page", None)
        params["price_min"] = str(low)
        if high is None:
            params.pop("price_max", None)
            label = gettext("%(low)s and more") % {"low": number_format(low)}
        else:
            params["price_max"] = str(high)
            label = gettext("%(low)s to %(high)s") % {"low": number_format(low), "high": number_format(high)}
        current = request.GET.get("price_min") == str(low) and request.GET.get("price_max", "") == (
            "" if high is None else str(high)
        )
        bands.append({"label": label, "count": counts.get(key, 0), "url": "?" + params.urlencode(), "current": current})
    return bands


def search_suggest(request: HttpRequest) -> HttpResponse:
    """The header search's suggestions as the visitor types (htmx): a listbox
    of courses, categories, schools and cities."""
    q = request.GET.get("q", "")[:100]
    found = suggest(q, language=(get_language() or "en").split("-")[0])
    response = HttpResponse(_suggestions_html(found.options))
    response["Cache-Control"] = "private, max-age=60"
    return response


SUGGESTION_KINDS = {  # icon, label
    "course": ("bi-journal-text", lambda: gettext("Course")),
    "category": ("bi-tag", lambda: gettext("Category")),
    "school": ("bi-building", lambda: gettext("School")),
    "city": ("bi-geo-alt", lambda: gettext("City")),
}


def _suggestions_html(options: list[Option]) -> SafeString:
    """The listbox's options and the count read to screen readers, written
    here rather than by a template: it answers every keystroke, and a
    template's rendering was a fifth of its time."""
    parts = [
        format_html(
            '<li role="option" id="site-search-option-{}" class="site-search-option" aria-selected="false" '
            'data-href="{}">\n  <a href="{}" tabindex="-1"><i class="bi {}" aria-hidden="true"></i>\n'
            '    <span class="site-search-label" dir="auto">{}</span>\n'
            '    <span class="site-search-kind">{}</span></a>\n</li>',
            n,
            option.url,
            option.url,
            SUGGESTION_KINDS[option.kind][0],
            option.label,
            SUGGESTION_KINDS[option.kind][1](),
        )
        for n, option in enumerate(options, 1)
    ]
    count = len(options)
    told = ngettext(
        "%(counter)s suggestion, use the up and down arrows to choose",
        "%(counter)s suggestions, use the up and down arrows to choose",
        count,
    ) % {"counter": count}
    parts.append(
        format_html(
            '\n<li class="visually-hidden" role="presentation" id="site-search-count" data-count="{}">{}</li>\n',
            count,
            told,
        )
    )
    return mark_safe("".join(parts))  # noqa: S308 - each part escaped by format_html


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@cached_for_anonymous(lambda: [LISTING])
def course_list(request: HttpRequest) -> HttpResponse:
    return _listing(request)


@cached_for_anonymous(lambda slug: [LISTING])
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category_by_slug(slug)  # 404 for an unknown slug
    return _listing(request, category_slug=slug)


@cached_for_anonymous(lambda slug: [course_scope(slug)])
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The course page. Its head tags and main content are shared by anonymous
    visitors who would see the same (catalog.pagecache.shared_parts): keyed by
    the versions of the page groups it belongs to (any change to the course,
    its sessions, seats, reviews, school or instructors gives a new one), the
    language, zone, address (host and query string: the reviews' filters and
    links) and the static assets' addresses; a hit costs one small query (the
    versions), or none with CATALOG_PAGE_VERSION_SECONDS. Signed-in visitors
    get theirs rendered."""

    def shows() -> list[object]:
        return [
            "course-page",
            slug,
            request.scheme,
            request.get_host(),
            urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k))),
            get_language(),
            get_current_timezone_name(),
            asset_version(),  # a deploy moves the assets' addresses
            *sorted(request_versions(request, [ALL, course_scope(slug)]).items()),
        ]

    parts, until = shared_parts(request, shows, partial(_course_parts, request, slug))
    sections = course_page_sections.sections(slug, request)  # apps above catalog (catalog.course_sections)
    response = render(request, "catalog/course_detail.html", {"parts": parts, "sections": sections})
    # The page changes by itself when a session starts or closes for booking.
    fresh_until(response, [until])
    return response


def _course_parts(request: HttpRequest, slug: str) -> tuple[dict[str, str], datetime | None]:
    course = public_course(slug=slug)
    sessions = upcoming_sessions(course=course)
    sessions_html = session_cards_html(request, course=course, sessions=sessions)
    url = request.build_absolute_uri(reverse("catalog:course_detail", args=[course.slug]))
    reading_original = request.GET.get("original") == "1"
    if reading_original:  # the reader asked for the school's own words
        course.text = course_text(course, original=True)  # type: ignore[attr-defined]
    text = course.text  # type: ignore[attr-defined]
    language = (get_language() or "en").split("-")[0]
    hero = images.picture(
        course.cover_image, images.HERO, alt=text.cover_alt, focus=(course.cover_focus_x, course.cover_focus_y)
    )
    gallery = [
        (
            image,
            images.picture(
                image.image, images.GALLERY, alt=image.alt_in(language), focus=(image.focus_x, image.focus_y)
            ),
        )
        for image in course.images.all()
    ]
    context = {
        "course": course,
        "hero": hero.html(lazy=False) if hero else "",
        "gallery": [(image, picture.html() if picture else "", image.alt_in(language)) for image, picture in gallery],
        "share": _course_share_tags(request, course, sessions, url),
        "sessions": sessions,
        "sessions_html": sessions_html,
        "instructors": course_instructors(sessions),
        "category": category_nodes().get(course.category_id) if course.category_id else None,
        "policy_lines": describe(course.cancellation_policy),
        "json_ld": seo.course_json_ld(course=course, sessions=sessions, url=url, request=request),
        "canonical_url": url,
        "reading_original": reading_original,
        "original_language_name": get_language_info(course.language)["name_local"],
        "reader_language": current_language(),
    }
    parts = {
        "title": escape(f"{text.title} · {course.school.name} · Coursemarket"),
        "description": escape(text.summary or text.title),
        "head": get_template("catalog/includes/course_head.html").render(context, request),
        "main": get_template("catalog/includes/course_main.html").render(context, request),
    }
    # What changes by itself: a session starts or closes for booking, a meeting
    # starts (the class-dates strip drops it).
    now = timezone.now()
    moments = [m for s in sessions for m in (s.starts_at, s.booking_deadline) if m is not None and m > now]
    moments += [m.starts_at for s in sessions for m in s.meetings.all() if m.starts_at > now]
    return parts, min(moments, default=None)


def _course_share_tags(request: HttpRequest, course: Course, sessions: list[Session], url: str) -> str:
    """The course page's Open Graph tags. With ?session=<id> (a shared session),
    the card is that session's, with its seats left."""
    text = course.text  # type: ignore[attr-defined]
    wanted = request.GET.get("session", "")
    session = next((s for s in sessions if str(s.pk) == wanted), None)
    facts = sharecards.share_facts(
        course, session or (sessions[0] if sessions else None), with_seats=session is not None, look_up_next=False
    )
    title = text.title
    if session is not None:
        title = f"{text.title} · {facts.when}"
        image_url = reverse("catalog:session_share_image", args=[course.slug, session.pk, facts.fingerprint])
        url = f"{url}?session={session.pk}"
    else:
        image_url = reverse("catalog:course_share_image", args=[course.slug, facts.fingerprint])
    alt = ", ".join(part for part in (text.title, course.school.name, facts.when, facts.price) if part)
    return share_tags(
        request,
        title=title,
        description=text.summary or text.title,
        url=url,
        image=ShareImage(image_url, sharecards.WIDTH, sharecards.HEIGHT, alt),
    )


def _share_png(course: Course, facts: sharecards.ShareFacts, *, max_age: int) -> HttpResponse:
    response = HttpResponse(sharecards.card_png(course, facts), content_type="image/png")
    response["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if max_age >= 86400 else "")
    return response


def course_share_image(request: HttpRequest, slug: str, fingerprint: str) -> HttpResponse:
    """The course's share card. Its address names the facts it shows: an old
    address redirects to the current card, the current one is cached for a year."""
    course = sharecards.course_for_card(slug)
    if course is None:
        raise Http404
    facts = sharecards.share_facts(course)
    if facts.fingerprint != fingerprint:
        response: HttpResponse = HttpResponseRedirect(
            reverse("catalog:course_share_image", args=[slug, facts.fingerprint])
        )
        response["Cache-Control"] = "public, max-age=300"
        return response
    return _share_png(course, facts, max_age=365 * 86400)


def session_share_image(request: HttpRequest, slug: str, session_id: int, fingerprint: str) -> HttpResponse:
    """A session's share card, with its seats left as of when it was fetched."""
    course = sharecards.course_for_card(slug)
    session = (
        Session.objects.filter(pk=session_id, course=course, starts_at__gt=timezone.now()).first() if course else None
    )
    if course is None or session is None:
        raise Http404
    session.course = course
    facts = sharecards.share_facts(course, session, with_seats=True)
    if facts.fingerprint != fingerprint:
        response: HttpResponse = HttpResponseRedirect(
            reverse("catalog:session_share_image", args=[slug, session_id, facts.fingerprint])
        )
        response["Cache-Control"] = "public, max-age=60"
        return response
    return _share_png(course, facts, max_age=365 * 86400)
