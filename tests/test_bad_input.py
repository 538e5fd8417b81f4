"""Bad bytes never give a 500 (issue 22, item 6).

A sweep over EVERY URL pattern of the project: each path parameter filled with
a NUL byte, an over-long value, invalid percent-encoded UTF-8 and (for
integers) a number past the database's range, fetched anonymously, as a school
owner and as a student; every page's query string with every parameter name
the code reads set to such values; every POST form on every page the three can
open, posted with a NUL in every field at once and in each field alone (the
others as the page filled them), urlencoded and multipart, with invalid UTF-8
and over-long values; JSON bodies with NUL. Nothing may answer 500, and (on
SQLite, which would keep it) nothing may store a NUL.

Every request runs in a savepoint that is rolled back, so that a form that
succeeds (a delete, a sign-out) does not change what the next request sees,
and a database error on PostgreSQL does not poison the rest of the test.
"""

from __future__ import annotations

import ast
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, hold
from coursemarket.catalog.tests.factories import InstructorFactory, RoomFactory, make_session
from coursemarket.scheduling.models import FeedKind
from coursemarket.scheduling.services import feed_create
from coursemarket.schools.models import Role
from coursemarket.schools.services.members import invitation_create

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent / "coursemarket"
NUL = "\x00"
LONG = 5000

# What goes into a path segment (already percent-encoded, as a browser sends it).
BAD_SEGMENTS = {
    "NUL": "a%00b",
    "over-long": "9" * LONG,
    "not UTF-8": "%ff%fe",
}
HUGE_INT = "9" * 25  # matches <int:…>, past a bigint
# What goes into a query parameter's value (percent-encoded).
BAD_QUERY = {
    "NUL": "a%00b",
    "over-long": "x" * 2100,
    "not UTF-8": "%ff%fe",
}
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


# -- the URL patterns ---------------------------------------------------------


@dataclass
class Route:
    route: str  # "en/checkout/<str:reference>/" (regex groups rewritten as <re:name>)
    name: str  # "bookings:checkout"

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in PARAM.finditer(self.route)]

    def fill(self, values: dict[str, str]) -> str:
        return "/" + PARAM.sub(lambda m: values[m["name"]], self.route)


def _route_text(pattern: Any) -> str:
    text = str(pattern)
    if text.startswith("^") or text.endswith("$") or "(?P<" in text:  # a RegexPattern
        text = REGEX_GROUP.sub(lambda m: f"<re:{m['name']}>", text)
        text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
        text = text.replace(r"\.", ".")
    return text


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for entry in patterns:
            text = prefix + _route_text(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, text, inner)
            elif isinstance(entry, URLPattern):
                found.append(Route(text, f"{namespace}{entry.name or ''}"))

    walk(get_resolver().url_patterns, "", "")
    return found


# -- parameter names the code reads ------------------------------------------


def query_names() -> list[str]:
    """Every name read from request.GET anywhere in the project, and every
    field of every form (filter forms are bound to request.GET)."""
    names = {"q", "page", "next", "tab", "sort", "city", "start", "end", "month", "view", "lang", "language"}
    for source in ROOT.rglob("*.py"):
        if "/tests/" in str(source) or "/migrations/" in str(source):
            continue
        text = source.read_text()
        names.update(re.findall(r"GET(?:\.get|\.getlist|\.__getitem__)?\(?\[?\s*[\"'](\w+)[\"']", text))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and any("Form" in ast.unparse(base) for base in node.bases):
                for item in node.body:
                    is_field = isinstance(item, ast.Assign) and isinstance(item.value, ast.Call)
                    if is_field and "Field" in ast.unparse(item.value.func):  # type: ignore[attr-defined]
                        names.update(t.id for t in item.targets if isinstance(t, ast.Name))  # type: ignore[attr-defined]
    return sorted(names)


# -- the world the sweep walks in ---------------------------------------------


@dataclass
class World:
    owner: Any
    student: Any
    valid: dict[str, str]
    by_route: dict[tuple[str, str], str] = field(default_factory=dict)

    def value(self, route: Route, name: str) -> str | None:
        return self.by_route.get((route.name, name), self.valid.get(name))


def make_world() -> World:
    from coursemarket.bookings.tests.after_purchase import school_world

    w = school_world()
    room = RoomFactory(location=w.session.location)
    instructor = InstructorFactory(school=w.school)
    invitation = invitation_create(actor=w.owner, school=w.school, email="new@example.com", role=Role.MANAGER)
    confirmed = confirmed_by_transfer(w.student, w.session, staff_user=w.owner)
    held = hold(w.student, make_session(w.course, days=20))
    student_feed = feed_create(actor=w.student, kind=FeedKind.STUDENT)
    meeting = w.session.meetings.first()
    from coursemarket.schools.models import Membership

    membership = Membership.objects.filter(school=w.school, user=w.manager).get()
    valid = {
        "slug": w.school.slug,
        "course_id": str(w.course.pk),
        "session_id": str(w.session.pk),
        "location_id": str(w.session.location_id),
        "room_id": str(room.pk),
        "instructor_id": str(instructor.pk),
        "membership_id": str(membership.pk),
        "invitation_id": str(invitation.pk),
        "booking_id": str(confirmed.pk),
        "reference": confirmed.reference,
        "meeting_id": str(meeting.pk) if meeting else "1",
        "token": invitation.token,
        "provider": "stripe",
        "section": "courses",
    }
    by_route = {
        ("catalog:course_detail", "slug"): w.course.slug,
        ("reviews:course", "slug"): w.course.slug,
        ("catalog:category_detail", "slug"): w.course.category.slug,
        ("schools:instructor_detail", "slug"): instructor.slug,
        ("scheduling_feeds:feed", "token"): student_feed.token,
        ("bookings:checkout", "reference"): held.reference,
        ("bookings:pay", "reference"): held.reference,
    }
    return World(owner=w.owner, student=w.student, valid=valid, by_route=by_route)


# -- requests ---------------------------------------------------------------


class _RollbackError(Exception):
    pass


@dataclass
class Sweep:
    world: World
    clients: dict[str, Client]
    failures: list[str] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def request(self, category: str, who: str, method: str, url: str, **kwargs: Any) -> Any:
        client = self.clients[who]
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        kept = session.value if session else None
        self.attempts[category] += 1
        response = None
        try:
            with transaction.atomic():
                response = getattr(client, method)(url, **kwargs)
                if response.status_code < 400 and method == "post":
                    stored = stored_nuls()
                    if stored:
                        self.fail(category, who, method, url, f"stored a NUL in {stored}")
                raise _RollbackError
        except _RollbackError:
            pass
        if kept is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = kept
        assert response is not None
        if response.status_code == 500:
            self.fail(category, who, method, url, str(response.status_code))
        return response

    def pages(self) -> list[tuple[str, str]]:
        """Every address with valid parameters, with the first of the owner,
        the student and an anonymous visitor who can open it (or anonymous)."""
        found = []
        for route in routes():
            url = _valid_url(route, self.world)
            if url is None:
                continue
            chosen = "anonymous"
            for who in ("owner", "student"):
                if self.clients[who].get(url).status_code == 200:
                    chosen = who
                    break
            found.append((url, chosen))
        return found

    def check(self) -> None:
        """Fail with every finding; either way print the tally (pytest -s shows it)."""
        for category, count in self.attempts.items():
            failing = self.errors[category]
            print(f"bad-input sweep [{connection.vendor}] {category}: {count} requests, {failing} failing")
        assert not self.failures, "\n".join([f"{len(self.failures)} failures:", *self.failures])

    def fail(self, category: str, who: str, method: str, url: str, what: str) -> None:
        self.errors[category] += 1
        shown = url if len(url) < 160 else url[:150] + "…"
        self.failures.append(f"{category}: {who} {method.upper()} {shown!r} -> {what}")


def stored_nuls() -> list[str]:
    """Tables holding a NUL in a text column, or its JSON escape in a JSON one
    (SQLite keeps them; PostgreSQL refuses both, so there the 500 itself is
    the finding). LIKE stops at a NUL, so instr()."""
    if connection.vendor != "sqlite":
        return []
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            tests = []
            for column in model._meta.concrete_fields:
                name = connection.ops.quote_name(column.column)
                if isinstance(column, (models.CharField, models.TextField)):
                    tests.append(f"instr({name}, char(0)) > 0")
                elif isinstance(column, models.JSONField):
                    tests.append(f"instr({name}, char(0)) > 0 OR instr({name}, '\\u0000') > 0")
            if not tests:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT 1 FROM {table} WHERE {' OR '.join(tests)} LIMIT 1")  # noqa: S608 (model names)
            if cursor.fetchone():
                found.append(model._meta.label)
    return found


@pytest.fixture
def sweep(db, monkeypatch) -> Sweep:
    # Thousands of expected 4xx (and, before the fix, 500) log lines say nothing.
    monkeypatch.setattr(logging.getLogger("django.request"), "disabled", True)
    world = make_world()
    clients = {"anonymous": Client(raise_request_exception=False)}
    operator = UserFactory(is_staff=True, is_superuser=True)
    for who, user in (("owner", world.owner), ("student", world.student), ("operator", operator)):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[who] = client
    return Sweep(world=world, clients=clients)


def _bad_urls(route: Route, world: World) -> Iterator[tuple[str, bool]]:
    """Each parameter in turn bad, the others valid; with whether the bad
    value gets past the converter to a view (if not, the resolver answers 404
    before any view, whoever asks)."""
    params = route.params
    for converter, name in params:
        values = {other: world.value(route, other) or "1" for _c, other in params}
        bad = dict(BAD_SEGMENTS)
        if converter == "int":
            bad["past bigint"] = HUGE_INT
        regex = get_converters()[converter].regex if converter in get_converters() else "[^/]+"
        for value in bad.values():
            yield route.fill({**values, name: value}), bool(re.fullmatch(regex, unquote(value)))


def _valid_url(route: Route, world: World) -> str | None:
    values = {name: world.value(route, name) for _c, name in route.params}
    if any(value is None for value in values.values()) or route.route.startswith("admin/"):
        return None
    return route.fill({k: v for k, v in values.items() if v is not None})


PEOPLE = ("anonymous", "owner", "student")
ADMIN_PEOPLE = ("anonymous", "operator")  # the admin sends everyone else to its sign-in


def test_every_url_pattern_with_bad_path_segments_answers_without_a_500(sweep):
    for route in routes():
        for url, reaches_a_view in _bad_urls(route, sweep.world):
            people = ADMIN_PEOPLE if route.route.startswith("admin/") else PEOPLE
            for who in people if reaches_a_view else people[:1]:
                sweep.request("path", who, "get", url)
    sweep.check()


def test_every_page_with_bad_query_strings_answers_without_a_500(sweep):
    names = query_names()
    changelists = [(route.fill({}), "operator") for route in routes() if route.name.endswith("_changelist")]
    pages = [*sweep.pages(), ("/admin/", "operator"), *changelists]
    assert len(changelists) > 20
    assert len(pages) > 80 and len(names) > 40
    for value in BAD_QUERY.values():
        query = "&".join(f"{name}={value}" for name in names)
        for url, who in pages:
            sweep.request("query", who, "get", f"{url}?{query}")
        for url, _who in changelists:  # the admin drops unknown parameters: its search alone
            sweep.request("query", "operator", "get", f"{url}?q={value}")
    for url, _who in changelists:  # and an ordinary search, to tell a broken search from a bad byte
        sweep.request("query", "operator", "get", f"{url}?q=caf%C3%A9")
    sweep.check()


# -- forms --------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str, str]]  # (name, value, kind)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""), fields=[])
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._options.append((a.get("value", ""), "selected" in a))
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio" and not any(f[0] == a["name"] for f in self._form.fields):
                    self._form.fields.append((a["name"], a.get("value", "on"), kind))
                return
            if kind in ("submit", "button", "image", "reset"):
                return
            self._form.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else ""), kind))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [v for v, selected in self._options if selected] or [v for v, _s in self._options[:1]]
            self._form.fields.append((self._select, chosen[0] if chosen else "", "select"))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, self._text, "textarea"))
            self._textarea = None


def forms_on(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


SKIP_FIELDS = {"csrfmiddlewaretoken"}
TEXT_KINDS = {"text", "textarea", "email", "search", "tel", "url", "password", "hidden"}


def _post_variants(form: Form) -> Iterator[tuple[str, dict[str, Any]]]:
    fields = [(n, v, k) for n, v, k in form.fields if n not in SKIP_FIELDS and k != "file"]
    if not fields:
        return
    defaults: dict[str, list[str]] = {}
    for name, value, _kind in fields:
        defaults.setdefault(name, []).append(value)
    # Empty text fields filled in, so that a form can succeed (and store) with
    # only the NUL wrong: a name for each seat, a required title.
    filled = {
        n: [v or ("Ana" if {k for m, _v, k in fields if m == n} & {"text", "textarea"} else v) for v in values]
        for n, values in defaults.items()
    }
    yield "NUL everywhere (multipart)", {"data": {n: [f"x{NUL}y"] * len(v) for n, v in defaults.items()}}
    everywhere = urlencode({n: [f"x{NUL}y"] * len(v) for n, v in defaults.items()}, doseq=True)
    yield "NUL everywhere (urlencoded)", {"data": everywhere, "content_type": "application/x-www-form-urlencoded"}
    raw = "&".join(f"{quote(n)}=%ff%fe" for n, values in defaults.items() for _v in values)
    yield "not UTF-8 everywhere", {"data": raw, "content_type": "application/x-www-form-urlencoded"}
    yield "over-long everywhere", {"data": {n: ["x" * LONG] * len(v) for n, v in defaults.items()}}
    for name in defaults:
        kinds = {k for n, _v, k in fields if n == name}
        if kinds & TEXT_KINDS:  # a choice, number or date is checked against its kind anyway
            yield f"NUL in {name}", {"data": {**filled, name: [f"{filled[name][0]}{NUL}", *filled[name][1:]]}}


def test_every_form_posted_with_bad_bytes_answers_without_a_500_and_stores_no_nul(sweep):
    pages = [url for route in routes() if (url := _valid_url(route, sweep.world))]
    # Forms that only show for a choice made before: names for each of two seats.
    pages.append(f"/en/book/{sweep.world.valid['session_id']}/?seats=2")
    posted = 0
    seen: set[tuple[str, tuple[str, ...]]] = set()  # one of each form (the same form for another row or person)
    for who in PEOPLE:
        for url in pages:
            response = sweep.clients[who].get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_on(response.content.decode()):
                action = urljoin(url, form.action) if form.action else url
                if urlsplit(action).netloc:
                    continue
                key = (re.sub(r"/\d+/", "/N/", action), tuple(n for n, _v, _k in form.fields))
                if key in seen:
                    continue
                seen.add(key)
                for _what, kwargs in _post_variants(form):
                    sweep.request("form", who, "post", action, **kwargs)
                    posted += 1
    assert posted > 150
    sweep.check()


def test_json_bodies_with_nul_or_bad_bytes_answer_without_a_500(sweep):
    bodies = {
        "NUL in a string": b'{"start": "2026-01-01T10:00:00\\u0000", "end": "x\\u0000"}',
        "NUL in a key": b'{"a\\u0000": 1}',
        "not UTF-8": b'{"start": "\xff\xfe"}',
        "a list": b"[1, 2]",
        "deep": b"[" * 5000 + b"]" * 5000,
    }
    json_routes = [r for r in routes() if r.route.endswith(".json") or r.name == "payments:webhook"]
    assert len(json_routes) >= 4
    for route in json_routes:
        url = _valid_url(route, sweep.world)
        assert url
        for body in bodies.values():
            for who in PEOPLE:
                sweep.request("JSON", who, "post", url, data=body, content_type="application/json")
    sweep.check()


def test_cookies_and_headers_the_app_reads_answer_without_a_500(sweep):
    pages = ["/en/", "/en/courses/", "/en/account/bookings/", f"/en/dashboard/schools/{sweep.world.valid['slug']}/"]
    cookies = {
        "cm_tz": ["%00", "Europe%2F%00", "x" * LONG, "%ff%fe", "../../etc/passwd"],
        "cm_city": ["%00", "x" * LONG],
        settings.LANGUAGE_COOKIE_NAME: ["%00", "x" * LONG],
    }
    headers = {
        "Accept-Language": ["\x00", "x" * LONG, "en;q=\x00", "*;q=999999999999999999999"],
        "X-Forwarded-For": ["\x00", "999.1.1.1", "x" * LONG],
        "User-Agent": ["\x00", "x" * LONG],
    }
    for url in pages:
        for who in PEOPLE:
            client = sweep.clients[who]
            for name, values in cookies.items():
                for value in values:
                    client.cookies[name] = value
                    sweep.request("cookie", who, "get", url)
                    del client.cookies[name]
            for name, values in headers.items():
                for value in values:
                    sweep.request("header", who, "get", url, headers={name: value})
    sweep.check()


def test_the_sweep_reaches_the_pages_it_means_to(sweep):
    """The sweep is only worth something if it walks the real pages: every
    pattern is listed, and the known-good addresses open for their people."""
    names = {route.name for route in routes()}
    assert {"bookings:checkout", "schools:invitation_detail", "scheduling_feeds:feed", "payments:webhook"} <= names
    world = sweep.world
    assert (
        sweep.clients["student"].get(f"/en/checkout/{world.by_route[('bookings:checkout', 'reference')]}/").status_code
        == 200
    )
    assert sweep.clients["owner"].get(f"/en/dashboard/schools/{world.valid['slug']}/").status_code == 200
    assert sweep.clients["anonymous"].get(f"/en/invitations/{world.valid['token']}/").status_code == 200
    assert (
        sweep.clients["anonymous"]
        .get(f"/calendar/feeds/{world.by_route[('scheduling_feeds:feed', 'token')]}.ics")
        .status_code
        == 200
    )
