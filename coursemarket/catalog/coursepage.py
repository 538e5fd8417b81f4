"""What the course page shows about its sessions, worked out in one pass.

The page used to ask the template for every piece: per session a dozen
`{% when %}`, `{% blocktranslate %}`, `{% url %}` and filter calls, per meeting
another `{% when %}`, and the class-dates strip walked the sessions and their
meetings again. At 5–50 sessions that was most of a render. Here each session
becomes a `SessionCard` of ready strings (escaped, or marked safe where they
are markup we built) and each day of the strip a `CalendarDay`, in one loop
over sessions × meetings; the template (catalog/includes/course_sessions.html)
only prints them, in the active language, zone and locale (call this inside
the request's). Each card has its own "Add to calendar" link, named with its
dates; the strip has none.

`session_cards_html` renders the strip and the cards as a fragment shared by
anonymous visitors (catalog.pagecache.shared_fragment), keyed by what they
show (`sessions_shown`): a visitor whose cards are already in the cache costs
neither the cards nor their template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.middleware.csp import get_nonce
from django.template.context_processors import csrf
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language, gettext, ngettext

from coursemarket.core.money import format_items, format_money
from coursemarket.core.times import when_html, when_text
from coursemarket.schools.translations import FieldText, texts_of_many

from .models import Course, Session
from .pagecache import shared_fragment
from .timeutil import utc_to_local

EMPTY = mark_safe("")


@dataclass
class SessionCard:
    """One session card of the course page, ready to print."""

    session: Session
    full: bool
    dates: SafeString  # first day – last day, in the session's zone
    dates_text: str  # the same in plain text (the calendar link's name)
    meetings_label: SafeString  # "4 meetings"
    meetings: list[SafeString]  # each meeting, with the reader's time beside it when it differs
    starts: SafeString  # "Starts at 10:00 Madrid time (CET)"
    where: SafeString  # "Online, live" or "Centre, City · Room", with its icon
    instructors: str  # "Ana, Bo"
    price: SafeString  # "€80.00", "Free" or "—"
    seats_class: str  # chip colour
    seats_label: SafeString  # "3 seats left" (empty when full)
    deadline: SafeString  # "Book by …", or empty
    bookable: bool  # show the booking form
    ics_url: str  # this session's dates as an .ics file ("Add to calendar", named with `dates_text`)
    directions: FieldText | None = None  # how to get to its location, in the reader's language


@dataclass
class CalendarDay:
    """One day of the class-dates strip (in each session's own zone)."""

    day: date
    dow: str
    number: str
    month: str
    sessions: list[Session] = field(default_factory=list)

    @cached_property
    def seats_left(self) -> int:
        return sum(s.seats_left for s in self.sessions)

    @cached_property
    def seats_label(self) -> SafeString:
        seats = self.seats_left
        if not seats:
            return _as_tag(gettext("Full"))
        return _as_tag(ngettext("%(counter)s seat", "%(counter)s seats", seats) % {"counter": localize(seats)})


# Translated text is printed as {% translate %} and {% blocktranslate %} print
# it (not escaped again); values from data are escaped.


# (Literal gettext/ngettext calls, so that makemessages finds the messages.)


def _as_tag(text: str) -> SafeString:
    return mark_safe(text)  # noqa: S308 - translated text, printed as the translation tags print it


def _seats_left(seats: int) -> SafeString:
    if seats == 0:
        return EMPTY
    return _as_tag(ngettext("%(seats)s seat left", "%(seats)s seats left", seats) % {"seats": localize(seats)})


def _price(session: Session, course: Course) -> SafeString:
    price = session.price
    if price is None:
        return mark_safe("—")
    if price == 0:
        return _as_tag(gettext("Free"))
    return escape(format_money(price, course.currency, language=get_language()))


def _url_maker(name: str) -> Any:
    """reverse() once per page, not once per session: the address with a
    placeholder id, filled in per session."""
    template = reverse(name, args=[999999999])
    head, tail = template.split("999999999", 1)
    return lambda pk: f"{head}{pk}{tail}"


def location_directions(course: Course, sessions: list[Session]) -> dict[int, FieldText]:
    """How to get to each in-person session's location, in the reader's
    language (schools' fallbacks): one query, none when no location has
    directions."""
    locations = {s.location.pk: s.location for s in sessions if s.location is not None and not s.is_online}
    with_text = [location for location in locations.values() if location.directions.strip()]
    return {pk: texts["directions"] for pk, texts in texts_of_many(with_text, school=course.school).items()}


def course_page_sessions(
    *,
    course: Course,
    sessions: list[Session],
    now: datetime | None = None,
    directions: dict[int, FieldText] | None = None,
) -> tuple[list[SessionCard], list[CalendarDay]]:
    """The session cards and the class-dates strip of the course page, from
    sessions whose meetings (not cancelled, by start), location, room and
    instructors are loaded, and the locations' `directions`: no query."""
    now = now or timezone.now()
    directions = directions or {}
    ics_url = _url_maker("scheduling:session_ics")
    online = _as_tag(gettext("Online, live"))
    cards: list[SessionCard] = []
    days: dict[date, CalendarDay] = {}
    for session in sessions:
        zone = session.timezone
        meetings = list(session.meetings.all())
        count = len(meetings)
        dates = when_html(session.starts_at, zone, style="date")
        dates_text = when_text(session.starts_at, zone, style="date")
        if count > 1:
            dates = format_html("{} – {}", dates, when_html(session.ends_at, zone, style="date"))
            dates_text = f"{dates_text} – {when_text(session.ends_at, zone, style='date')}"
        lines = []
        for meeting in meetings:
            lines.append(when_html(meeting.starts_at, zone, end=meeting.ends_at, style="short"))
            if meeting.is_cancelled or meeting.starts_at <= now:
                continue
            day = utc_to_local(meeting.starts_at, zone).date()
            calendar_day = days.get(day)
            if calendar_day is None:
                calendar_day = days[day] = CalendarDay(
                    day, date_filter(day, "D"), date_filter(day, "j"), date_filter(day, "M")
                )
            if session not in calendar_day.sessions:
                calendar_day.sessions.append(session)
        if session.is_online:
            where = format_html('<i class="bi bi-camera-video" aria-hidden="true"></i> {}', online)
        else:
            location = session.location
            where = format_html(
                '<i class="bi bi-geo-alt" aria-hidden="true"></i> {}, {}{}',
                location.name if location else "",
                location.city if location else "",
                format_html(" · {}", session.room.name) if session.room else EMPTY,
            )
        seats = session.seats_left
        deadline = EMPTY
        if session.booking_deadline:
            shown = when_html(session.booking_deadline, zone, style="short")
            deadline = _as_tag(gettext("Book by %(deadline)s") % {"deadline": shown})
        start = when_html(session.starts_at, zone, style="time")
        cards.append(
            SessionCard(
                session=session,
                full=seats == 0,
                dates=dates,
                dates_text=dates_text,
                meetings_label=_as_tag(
                    ngettext("%(meetings)s meeting", "%(meetings)s meetings", count) % {"meetings": localize(count)}
                ),
                meetings=lines,
                starts=_as_tag(gettext("Starts at %(time)s") % {"time": start}),
                where=where,
                instructors=format_items(i.name for i in session.instructors.all()),
                price=_price(session, course),
                seats_class="chip-warning" if session.seats_low else "chip-success",
                seats_label=_seats_left(seats),
                deadline=deadline,
                bookable=seats > 0 and session.is_bookable and session.price is not None,
                ics_url=ics_url(session.pk),
                directions=directions.get(session.location_id)
                if session.location_id and not session.is_online
                else None,
            )
        )
    return cards, [days[day] for day in sorted(days)]


def sessions_shown(course: Course, sessions: list[Session], now: datetime) -> list[object]:
    """Everything the cards and the strip are made of, for the key of their
    shared fragment (catalog.pagecache.shared_fragment): what each session
    shows, and what changes with the time (bookable or not, meetings already
    started), so the key changes whenever one of the cards would."""
    shown: list[object] = [course.pk, course.price, course.currency]
    for s in sessions:
        location, room = s.location, s.room
        shown += [s.pk, s.starts_at, s.ends_at, s.timezone, s.status, s.capacity, s.seats_taken, s.booking_deadline]
        shown += [s.price_override, s.is_online, s.is_bookable, location and (location.name, location.city)]
        shown += [room and room.name, [i.name for i in s.instructors.all()]]
        shown += [(m.starts_at, m.ends_at, m.starts_at <= now) for m in s.meetings.all()]
    return shown


def session_cards_html(request: HttpRequest, *, course: Course, sessions: list[Session]) -> SafeString:
    """The class-dates strip and the session cards with their booking forms
    (catalog/includes/course_sessions.html), shared by anonymous visitors who
    would see the same: keyed by what the cards show, in this language and
    zone, until the next session starts or closes for booking."""
    now = timezone.now()
    moments = [m for s in sessions for m in (s.starts_at, s.booking_deadline) if m is not None and m > now]
    directions = location_directions(course, sessions)
    shows = [
        "course-sessions",
        course.pk,
        get_language(),
        get_current_timezone_name(),
        static("bookings/book-form.js"),  # a deploy moves the assets' addresses
        static("scheduling/scheduling.css"),
        *sessions_shown(course, sessions, now),
        sorted(directions.items()),
    ]

    def render() -> str:
        cards, days = course_page_sessions(course=course, sessions=sessions, now=now, directions=directions)
        context = {
            "course": course,
            "cards": cards,
            "calendar_days": days,
            "request": request,
            "csp_nonce": get_nonce(request),
            "csrf_token": csrf(request)["csrf_token"],  # signed in: their own booking forms
        }
        return get_template("catalog/includes/course_sessions.html").render(context)

    return shared_fragment(request, shows, render, until=min(moments, default=None))
