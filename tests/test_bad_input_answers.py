"""What a visitor gets for bad bytes (core/badinput.py): the translated 400
page for a NUL or text that is not UTF-8 in the address, the query string, a
header or a form; 404 for an address segment no page could have; JSON for a
JSON request; and nothing stored. The sweep in test_bad_input.py checks every
URL and form for 500s; these pin the answers themselves."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import Client

from coursemarket.accounts.models import User
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.models import Booking
from coursemarket.bookings.tests.after_purchase import school_world
from coursemarket.catalog.tests.factories import CourseFactory, make_session
from coursemarket.core.badinput import MAX_VALUE
from coursemarket.schools.models import School

pytestmark = pytest.mark.django_db

EN_400 = "We could not understand that request"
AR_400 = "تعذّر علينا فهم هذا الطلب"


@pytest.mark.parametrize(
    "url",
    [
        "/en/schools/?q=%00",
        "/en/courses/?q=caf%C3%A9%00",
        "/en/invitations/%00/",
        "/calendar/feeds/%00.ics",
        "/en/checkout/%00/",
        "/en/account/bookings/ab%00cd/receipt/",
        "/en/schools/?q=%ff%fe",
        f"/en/courses/?q={'x' * (MAX_VALUE + 1)}",
    ],
)
def test_a_nul_bad_utf8_or_an_over_long_parameter_gets_the_400_page(url):
    signed_in = Client()
    signed_in.force_login(UserFactory())
    for client in (Client(), signed_in):
        answer = client.get(url)
        assert answer.status_code == 400
        assert EN_400 in answer.content.decode()


def test_the_400_page_is_in_the_visitors_language():
    answer = Client().get("/ar/schools/?q=%00")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert AR_400 in html and 'lang="ar"' in html and 'dir="rtl"' in html


def test_a_query_value_at_the_limit_is_still_a_search():
    assert Client().get(f"/en/courses/?q={'x' * MAX_VALUE}").status_code == 200


def test_an_over_long_path_segment_is_not_found():
    assert Client().get(f"/en/courses/{'a' * (MAX_VALUE + 1)}/").status_code == 404
    assert Client().get(f"/en/invitations/{'a' * (MAX_VALUE + 1)}/").status_code == 404


def test_an_uploaded_file_name_the_file_system_refuses_is_not_found(settings):
    settings.SERVE_MEDIA = True
    assert Client().get(f"/media/{'a' * 300}.png").status_code == 404  # longer than a file name may be


def test_a_nul_in_a_header_the_app_reads_is_refused_and_a_bad_zone_cookie_is_ignored():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/en/", headers={"User-Agent": "Mozilla\x00"}).status_code == 400
    assert client.get("/en/", headers={"Accept-Language": "es\x00"}).status_code == 400
    client.cookies["cm_tz"] = "Europe%2F%00Madrid"  # percent-encoded: the cookie's reader decodes and rejects it
    assert client.get("/en/").status_code == 200


def test_a_nul_in_an_attendee_name_is_refused_and_no_seat_is_held():
    course = CourseFactory()
    session = make_session(course, capacity=5)
    client = Client()
    client.force_login(UserFactory())
    answer = client.post(f"/en/book/{session.pk}/", {"seats": 2, "request_key": "k1", "attendee": ["Ana\x00", "Luis"]})
    assert answer.status_code == 400 and EN_400 in answer.content.decode()
    assert not Booking.objects.exists()
    session.refresh_from_db()
    assert session.seats_taken == 0


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_nul_in_a_form_field_is_refused_and_nothing_is_stored(encoding):
    user = UserFactory(display_name="Noor")
    client = Client()
    client.force_login(user)
    data = {"display_name": "No\x00or", "city": "Berlin"}
    if encoding == "multipart":
        answer = client.post("/en/account/profile/", data)
    else:
        body = "display_name=No%00or&city=Berlin"
        answer = client.post("/en/account/profile/", body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400
    user.refresh_from_db()
    assert user.display_name == "Noor"


def test_a_form_body_that_is_not_utf8_is_refused():
    client = Client()
    client.force_login(UserFactory())
    body = b"name=%ff%fe&slug=x"
    answer = client.post("/en/dashboard/schools/new/", body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400
    assert not School.objects.exists()


def test_long_form_values_are_left_to_the_form_which_says_what_is_wrong_next_to_the_field():
    """The length limit is for addresses and query strings only: a long value
    in a form gets the form's own message, with what was typed kept."""
    client = Client()
    client.force_login(UserFactory())
    answer = client.post("/en/dashboard/schools/new/", {"name": "S" * (MAX_VALUE + 500)})
    assert answer.status_code == 200
    assert "Ensure this value has at most" in answer.content.decode()
    assert not School.objects.exists()


def test_a_json_request_with_a_nul_gets_a_json_400_and_moves_nothing():
    w = school_world()
    meeting = w.session.meetings.first()
    before = (meeting.starts_at, meeting.ends_at)
    client = Client()
    client.force_login(w.owner)
    url = f"/en/dashboard/schools/{w.school.slug}/calendar/meetings/{meeting.pk}/move.json"
    body = json.dumps(
        {"start": meeting.starts_at.isoformat(), "end": meeting.ends_at.isoformat(), "override_reason": "\x00"}
    )
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 400 and answer.json() == {"error": "bad request"}
    for bad in (b"[1, 2]", b'"text"', b"\xff\xfe"):  # not an object, or not UTF-8
        answer = client.post(url, bad, content_type="application/json")
        assert answer.status_code == 400
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == before


def _asgi_get(raw_path: bytes, query: bytes = b"") -> int:
    """One GET through the production ASGI application, with the raw bytes a
    server passes on (uvicorn hands over the undecoded path in raw_path)."""
    from coursemarket.config.asgi import application

    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": raw_path.decode("latin-1"), "raw_path": raw_path, "query_string": query, "root_path": "",
        "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }  # fmt: skip

    async def run() -> int:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=10)
        while (await communicator.receive_output(timeout=10)).get("more_body"):
            pass
        return int(start["status"])

    # In a thread of its own: a browser test in the same process may have left
    # an event loop running in this one.
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(lambda: asyncio.run(run())).result()


@pytest.mark.django_db(transaction=True)
def test_through_the_asgi_server_bad_bytes_in_the_raw_path_and_query_are_refused():
    assert _asgi_get(b"/en/invitations/%ff%fe/") == 400
    assert _asgi_get(b"/en/invitations/a%00b/") == 400
    assert _asgi_get(b"/en/schools/", b"q=%00") == 400
    assert _asgi_get(b"/en/schools/", b"q=%ff") == 400
    assert _asgi_get(b"/en/schools/", b"q=caf%C3%A9") == 200


def test_nothing_refused_for_ordinary_input():
    """Accents, Arabic, emoji and long-but-sane values pass untouched."""
    client = Client()
    user: User = UserFactory()
    client.force_login(user)
    answer = client.post("/en/account/profile/", {"display_name": "Zoë نور 🌿", "bio": "x" * 600, "city": "Málaga"})
    assert answer.status_code == 302, answer.context["form"].errors
    user.refresh_from_db()
    assert user.display_name == "Zoë نور 🌿"
    assert client.get("/en/schools/?q=caf%C3%A9+%D9%86%D9%88%D8%B1").status_code == 200
