"""The school's promo code page (permission matrix, another school's code),
and the share menu (links, UTM, referral code, activity log)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.activity import buffer
from coursemarket.activity.models import Event, Kind
from coursemarket.audit.models import AuditEntry
from coursemarket.bookings.tests.after_purchase import school_world
from coursemarket.catalog.tests.factories import make_session
from coursemarket.promotions.models import PromoCode
from coursemarket.promotions.referrals import referral_code_for
from coursemarket.schools.permissions import Perm, role_has

from .factories import PromoCodeFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"}
ACTORS = ["anonymous", "student", "other_owner", "instructor", "manager", "owner"]
NEW_CODE = {"code": "summer15", "kind": "percent", "value": "15", "purpose": "public", "per_student_limit": "1",
            "min_seats": "1"}  # fmt: skip


def state():
    return sorted(map(repr, PromoCode.objects.values())), AuditEntry.objects.count()


@pytest.fixture
def world():
    w = school_world(price=Decimal("60.00"))
    return w, PromoCodeFactory(school=w.school, code="EXISTING")


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", ["list", "create", "switch_off"])
def test_permission_matrix(client, world, actor, action):
    w, promo = world
    if action == "switch_off":
        url = reverse("promotions:code_active", kwargs={"slug": w.school.slug, "code_id": promo.pk})
    else:
        url = reverse("promotions:dashboard", kwargs={"slug": w.school.slug})
    if actor != "anonymous":
        client.force_login(getattr(w, actor))
    before = state()
    if action == "list":
        response = client.get(url)
    else:
        response = client.post(url, NEW_CODE if action == "create" else {"active": "0"})
    if actor == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    elif actor in ("student", "other_owner"):
        assert response.status_code == 404
    elif not role_has(actor, Perm.MANAGE_COURSES):
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if action == "list" else 302), response.content.decode()[:1500]
        if action == "list":
            assert "EXISTING" in response.content.decode()
        else:
            assert state() != before
        return
    assert state() == before


def test_another_schools_code_is_not_found_and_unchanged(client, world):
    w, _promo = world
    theirs = PromoCodeFactory(code="THEIRS")
    client.force_login(w.owner)
    response = client.post(
        reverse("promotions:code_active", kwargs={"slug": w.school.slug, "code_id": theirs.pk}), {"active": "0"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
    assert "THEIRS" not in client.get(reverse("promotions:dashboard", kwargs={"slug": w.school.slug})).content.decode()


def test_creating_a_code_from_the_form_and_a_bad_one_shows_the_error(client, world):
    w, _promo = world
    client.force_login(w.owner)
    url = reverse("promotions:dashboard", kwargs={"slug": w.school.slug})
    response = client.post(url, {**NEW_CODE, "course": w.course.pk, "kind": "fixed", "value": "5", "max_uses": "10"})
    assert response.status_code == 302
    promo = PromoCode.objects.get(code="SUMMER15")
    assert (promo.course, promo.currency, promo.value, promo.max_uses) == (w.course, "EUR", Decimal("5"), 10)
    before = state()
    response = client.post(url, {**NEW_CODE, "value": "150"})
    assert response.status_code == 400 and "A percentage is between 1 and 100." in response.content.decode()
    assert state() == before
    assert client.get(url.replace("/en/", "/ar/")).status_code == 200


def test_the_course_page_share_menu_carries_utm_and_the_students_code(client):
    w = school_world(price=Decimal("60.00"))
    make_session(w.course)
    url = reverse("catalog:course_detail", kwargs={"slug": w.course.slug})
    anonymous = client.get(url, **BROWSER).content.decode()
    bar = anonymous.split('data-testid="share-bar"')[1][:3000]
    assert "utm_campaign=course" in bar and "&amp;ref=" not in bar  # nothing personal: the page cache keeps it
    student = UserFactory()
    code = referral_code_for(user=student).code
    client.force_login(student)
    page = client.get(url, **BROWSER).content.decode()
    assert f"utm_source=copy&amp;utm_medium=share&amp;utm_campaign=course&amp;ref={code}" in page
    assert "https://wa.me" not in page  # the links go through our own page, no third party in the page

    out = reverse("promotions:share_out")
    response = client.get(out, {"to": "whatsapp", "kind": "course", "path": url}, **BROWSER)
    assert response.status_code == 302 and response["Location"].startswith("https://wa.me/?text=")
    text = unquote(response["Location"].split("text=", 1)[1])
    assert text.startswith(w.course.title + " ")  # the course looked up when shared
    shared = text.rsplit(" ", 1)[1]
    query = parse_qs(urlsplit(shared).query)
    assert urlsplit(shared).path == url
    assert query == {"utm_source": ["whatsapp"], "utm_medium": ["share"], "utm_campaign": ["course"], "ref": [code]}
    response = client.get(out, {"to": "email", "kind": "course", "path": "https://evil.example/x"}, **BROWSER)
    assert response["Location"].startswith("mailto:") and "evil.example" not in response["Location"]
    assert client.get(out, {"to": "javascript"}, **BROWSER).status_code == 404
    assert client.post(reverse("promotions:share_record"), {"channel": "copy", "kind": "course", "path": url},
                       **BROWSER).status_code == 204  # fmt: skip
    buffer.flush()
    events = Event.objects.filter(kind=Kind.SHARE).order_by("id")
    assert [(e.filters["channel"], e.object_type, e.object_id, e.school_id, e.user_id) for e in events] == [
        ("whatsapp", "catalog.course", w.course.pk, w.school.pk, student.pk),
        ("email", "catalog.course", None, None, student.pk),  # not our page: nothing looked up
        ("copy", "catalog.course", w.course.pk, w.school.pk, student.pk),
    ]


def test_the_school_page_and_the_comparison_have_a_share_menu(client):
    w = school_world()
    page = client.get(w.school.get_absolute_url(), **BROWSER).content.decode()
    assert "utm_campaign=school" in page
