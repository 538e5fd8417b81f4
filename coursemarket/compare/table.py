"""The comparison as a table: sections of rows, a cell per compared item.

Each cell carries what it shows (`kind` + `data`, rendered by
`compare/includes/cells/<kind>.html`), what "the same" means for it (`key`: a row whose
keys are all equal is hidden by "show differences only") and, in comparable
rows, the number the best value is chosen by (`value`). The best value of a
row (lowest price, soonest start, highest rating…) is marked on every cell
that holds it, ties included, once at least two cells have a value. Prices in
different currencies are never converted, so they are not compared."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coursemarket.catalog.models import Course, Session
from coursemarket.catalog.policies import describe

from .selectors import Clash, CourseColumn, Place, SessionColumns, distance_km

LOWEST = "min"
HIGHEST = "max"


@dataclass
class Cell:
    kind: str
    data: Any = None
    key: Any = None
    value: Decimal | datetime | None = None
    best: bool = False

    @property
    def missing(self) -> bool:
        return self.data is None or self.data == [] or self.data == ""

    @property
    def template(self) -> str:
        """`compare/includes/cells/<kind>.html`, or `missing.html` ("Not provided")."""
        return f"compare/includes/cells/{'missing' if self.missing else self.kind}.html"


@dataclass
class Row:
    id: str
    label: str
    cells: list[Cell]
    best: str = ""  # LOWEST or HIGHEST: the row is comparable
    best_text: str = ""  # why a cell is marked, for screen readers and the legend
    note: str = ""  # shown under the row's name (e.g. why it is not compared)
    unique: bool = False  # a skill only some of the courses teach

    @property
    def same(self) -> bool:
        return len({repr(cell.key) for cell in self.cells}) <= 1


@dataclass
class Section:
    id: str
    title: str
    rows: list[Row] = field(default_factory=list)

    def differing(self) -> list[Row]:
        return [row for row in self.rows if not row.same]


def mark_best(row: Row) -> None:
    """Mark the cells holding the row's best value (all of them on a tie)."""
    values = [cell.value for cell in row.cells if cell.value is not None]
    if not row.best or len(values) < 2:
        return
    target = min(values) if row.best == LOWEST else max(values)
    for cell in row.cells:
        cell.best = cell.value is not None and cell.value == target


def _minute(moment: datetime | None) -> datetime | None:
    """Starts compare to the minute people read: two at 18:30 tie."""
    return moment.replace(second=0, microsecond=0) if moment is not None else None


def _row(
    id: str, label: str, cells: list[Cell], *, best: str = "", best_text: str = "", note: str = "", unique: bool = False
) -> Row:
    row = Row(id=id, label=label, cells=cells, best=best, best_text=best_text, note=note, unique=unique)
    mark_best(row)
    return row


def _text(value: str) -> Cell:
    value = (value or "").strip()
    return Cell("lines", data=value or None, key=value)


def _money_cells(prices: Sequence[tuple[Decimal | None, str]]) -> tuple[list[Cell], bool]:
    """Cells of (amount, currency); whether the amounts may be compared (one currency)."""
    currencies = {currency for amount, currency in prices if amount is not None}
    comparable = len(currencies) == 1
    cells = [
        Cell(
            "money",
            data=None if amount is None else {"amount": amount, "currency": currency},
            key=(amount, currency),
            value=amount if comparable else None,
        )
        for amount, currency in prices
    ]
    return cells, comparable


def _per_hour(course: Course, price: Decimal | None) -> Decimal | None:
    if price is None or not course.duration_hours:
        return None
    return (Decimal(price) / Decimal(course.duration_hours)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _distance(sessions: Sequence[Session], place: Place | None, online_only: bool) -> Cell:
    located = [s.location for s in sessions if not s.is_online and s.location is not None]
    if place is None:
        return Cell("lines", data=None, key=None)
    if not located:
        if online_only or sessions:
            return Cell("online", data=True, key="online")
        return Cell("distance", data=None, key=None)
    km = min(distance_km(place, location) for location in located)
    return Cell("distance", data=km, key=km, value=km)


def _clash_cell(sessions: Sequence[Session], clashes: dict[int, Clash]) -> Cell:
    found = [(session, clashes[session.id]) for session in sessions if session.id in clashes]
    return Cell("clashes", data=found or False, key=bool(found))


def course_table(columns: list[CourseColumn], *, place: Place | None, signed_in: bool) -> list[Section]:
    """The comparison of courses: item 2 of the comparison issue, row by row."""
    courses = [c.course for c in columns]

    def each(build: Callable[[CourseColumn], Cell]) -> list[Cell]:
        return [build(column) for column in columns]

    prices, comparable = _money_cells([(c.price, c.currency) for c in courses])
    hourly, _same = _money_cells([(_per_hour(c, c.price), c.currency) for c in courses])
    currency_note = "" if comparable or len(courses) < 2 else _("In different currencies: not compared.")
    price = Section("price", _("Price"))
    price.rows.append(
        _row("price", _("Total price"), prices, best=LOWEST, best_text=_("Lowest price"), note=currency_note)
    )
    price.rows.append(
        _row(
            "per-hour",
            _("Price per contact hour"),
            hourly,
            best=LOWEST,
            best_text=_("Lowest price per hour"),
            note=currency_note,
        )
    )

    time = Section("time", _("Time and dates"))
    time.rows.append(
        _row("hours", _("Total hours"), [Cell("hours", data=c.duration_hours, key=c.duration_hours) for c in courses])
    )

    def meetings(column: CourseColumn) -> Cell:
        session = column.next_session
        count = len(session.meetings.all()) if session else None
        return Cell("count", data=count, key=count)

    time.rows.append(_row("meetings", _("Number of meetings"), each(meetings)))

    def soonest(column: CourseColumn) -> Cell:
        session = column.next_session
        return Cell(
            "start",
            data=session,
            key=_minute(session.starts_at) if session else None,
            value=_minute(session.starts_at) if session else None,
        )

    time.rows.append(_row("start", _("Next start"), each(soonest), best=LOWEST, best_text=_("Soonest start")))
    time.rows.append(
        _row(
            "schedule",
            _("Schedule"),
            each(
                lambda col: Cell(
                    "schedule",
                    data=[(s, col.clashes.get(s.id)) for s in col.sessions],
                    key=[(s.starts_at, s.ends_at, s.timezone) for s in col.sessions],
                )
            ),
        )
    )
    if signed_in:
        time.rows.append(
            _row("clash", _("Fits your bookings"), each(lambda col: _clash_cell(col.sessions, col.clashes)))
        )

    def seats(column: CourseColumn) -> Cell:
        session = column.next_session
        left = session.seats_left if session else None
        return Cell("seats", data=left, key=left)

    time.rows.append(_row("seats", _("Seats left (next session)"), each(seats)))

    place_section = Section("place", _("Place"))
    place_section.rows.append(
        _row(
            "delivery",
            _("Delivery"),
            [Cell("lines", data=c.get_delivery_mode_display(), key=c.delivery_mode) for c in courses],
        )
    )
    if place is not None:
        place_section.rows.append(
            _row(
                "distance",
                _("Distance from %(city)s") % {"city": place.city},
                each(lambda col: _distance(col.sessions, place, col.course.delivery_mode == "online")),
                best=LOWEST,
                best_text=_("Nearest"),
            )
        )

    about = Section("course", _("The course"))
    about.rows.append(
        _row(
            "language",
            _("Taught in"),
            [Cell("lines", data=c.teaching_language_name, key=c.teaching_language) for c in courses],
        )
    )
    about.rows.append(
        _row("level", _("Level"), [Cell("lines", data=c.get_level_display(), key=c.level) for c in courses])
    )
    about.rows.append(_row("prerequisites", _("Prerequisites"), [_text(c.prerequisites) for c in courses]))
    about.rows.append(_row("included", _("What is included"), [_text(c.included) for c in courses]))
    about.rows.append(
        _row(
            "cancellation",
            _("Cancellation policy"),
            [Cell("policy", data=describe(c.cancellation_policy), key=c.cancellation_policy) for c in courses],
        )
    )

    skills = Section("skills", _("Skills"))
    taught: list[set[int]] = [{s.id for s in c.skills.all()} for c in courses]
    names = {s.id: s.name for c in courses for s in c.skills.all()}
    # Shared skills first (taught by the most courses), then by name.
    for skill_id in sorted(names, key=lambda i: (-sum(i in t for t in taught), names[i].lower())):
        shared = sum(skill_id in t for t in taught)
        skills.rows.append(
            _row(
                f"skill-{skill_id}",
                names[skill_id],
                [Cell("skill", data=skill_id in t, key=skill_id in t) for t in taught],
                unique=shared == 1 and len(courses) > 1,
            )
        )
    if not names:
        skills.rows.append(_row("skills", _("Skills"), [Cell("lines", data=None, key=None) for _c in courses]))

    reviews = Section("reviews", _("Reviews"))

    def rating(course: Course) -> Cell:
        average = getattr(course, "rating_average", None)
        count = getattr(course, "rating_count", None) or 0
        if average is None or not count:
            return Cell("rating", data=None, key=None)
        return Cell("rating", data={"average": average, "count": count}, key=(average, count), value=average)

    reviews.rows.append(
        _row("rating", _("Rating"), [rating(c) for c in courses], best=HIGHEST, best_text=_("Highest rating"))
    )
    reviews.rows.append(
        _row(
            "snippets",
            pgettext("comparison row", "Most helpful reviews"),
            each(lambda col: Cell("snippets", data=col.snippets, key=[r.id for r in col.snippets])),
        )
    )

    school = Section("school", _("School"))
    school.rows.append(_row("school", _("School"), [Cell("school", data=c, key=c.school_id) for c in courses]))
    return [price, time, place_section, about, skills, reviews, school]


def session_table(columns: SessionColumns, *, place: Place | None, signed_in: bool) -> list[Section]:
    """The sessions of one course side by side: where, when, price overrides, seats."""
    course = columns.course
    sessions = columns.sessions
    when = Section("when", _("When"))
    when.rows.append(
        _row(
            "start",
            _("Starts"),
            [Cell("start", data=s, key=_minute(s.starts_at), value=_minute(s.starts_at)) for s in sessions],
            best=LOWEST,
            best_text=_("Soonest start"),
        )
    )
    when.rows.append(
        _row(
            "schedule",
            _("Schedule"),
            [
                Cell("schedule", data=[(s, columns.clashes.get(s.id))], key=(s.starts_at, s.ends_at, s.timezone))
                for s in sessions
            ],
        )
    )
    when.rows.append(
        _row(
            "meetings",
            _("Number of meetings"),
            [Cell("count", data=len(s.meetings.all()), key=len(s.meetings.all())) for s in sessions],
        )
    )
    when.rows.append(
        _row(
            "deadline",
            _("Booking closes"),
            [Cell("deadline", data=s.booking_deadline or s.starts_at, key=s.booking_deadline) for s in sessions],
        )
    )
    if signed_in:
        when.rows.append(_row("clash", _("Fits your bookings"), [_clash_cell([s], columns.clashes) for s in sessions]))
    where = Section("where", _("Where"))
    where.rows.append(
        _row(
            "place",
            _("Place"),
            [Cell("where", data=s, key=("online" if s.is_online else s.location_id, s.room_id)) for s in sessions],
        )
    )
    if place is not None:
        where.rows.append(
            _row(
                "distance",
                _("Distance from %(city)s") % {"city": place.city},
                [_distance([s], place, s.is_online) for s in sessions],
                best=LOWEST,
                best_text=_("Nearest"),
            )
        )
    where.rows.append(
        _row(
            "instructors",
            _("Instructors"),
            [
                Cell(
                    "instructors",
                    data=[i for i in s.instructors.all() if i.is_active],
                    key=sorted(i.id for i in s.instructors.all() if i.is_active),
                )
                for s in sessions
            ],
        )
    )
    price = Section("price", _("Price and seats"))
    cells, _comparable = _money_cells([(s.price, course.currency) for s in sessions])
    price.rows.append(_row("price", _("Price per seat"), cells, best=LOWEST, best_text=_("Lowest price")))
    price.rows.append(
        _row("seats", _("Seats left"), [Cell("seats", data=s.seats_left, key=s.seats_left) for s in sessions])
    )
    return [when, where, price]
