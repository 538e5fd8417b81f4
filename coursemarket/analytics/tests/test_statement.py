"""The monthly statement PDF: who may download it, bad months, and the
figures in it equal the dashboard's for the same days (read back with pypdf)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from babel.dates import format_skeleton
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.analytics.statement import month_start
from coursemarket.analytics.tests.test_pages import kpis_on, rolled_up_world
from coursemarket.analytics.zones import local_today, school_zone
from coursemarket.catalog.tests.factories import CourseFactory
from coursemarket.core.money import format_money
from coursemarket.schools.models import Membership, Role

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    # Words only: a long course title may wrap in its column.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def statement_url(slug: str) -> str:
    return reverse("analytics:statement", kwargs={"slug": slug})


def test_the_statement_carries_the_dashboard_s_figures_for_the_month(client):
    w = rolled_up_world()
    client.force_login(w.owner)
    today = local_today(school_zone(w.school))
    first = month_start(today)
    dashboard = client.get(
        reverse("analytics:dashboard", kwargs={"slug": w.school.slug})
        + f"?period=custom&start={first.isoformat()}&end={today.isoformat()}"
    ).content.decode()
    assert 'id="statement-title"' in dashboard and f'value="{first:%Y-%m}"' in dashboard  # the form offers it
    kpis = kpis_on(dashboard)
    net, gross = Decimal(kpis[("net", "EUR")]), Decimal(kpis[("gross", "EUR")])
    assert gross == Decimal("240.00")  # three seats at 80 € paid by transfer this month

    response = client.get(statement_url(w.school.slug) + f"?month={first:%Y-%m}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"statement-{w.school.slug}-{first:%Y-%m}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Monthly statement" in text and w.school.name in text and w.course.title in text
    assert format_money(gross, "EUR", language="en") in text
    assert format_money(net, "EUR", language="en") in text


def test_the_statement_is_made_in_the_reader_s_language_right_to_left_in_arabic(client):
    w = rolled_up_world()
    client.force_login(w.owner)
    first = month_start(local_today(school_zone(w.school)))
    with translation.override("ar"):
        url = statement_url(w.school.slug)
    assert url.startswith("/ar/")
    response = client.get(url + f"?month={first:%Y-%m}")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert w.course.title in text
    assert format_skeleton("MMMM", first, locale="ar") in text  # the month named in Arabic
    with translation.override("ar"):
        title = gettext("Monthly statement")
    assert title != "Monthly statement" and title in text


@pytest.mark.parametrize("month", ["", "2026-13", "1999-01", "2999-01", "last month"])
def test_a_bad_month_gets_a_clear_error(client, month):
    w = rolled_up_world()
    client.force_login(w.owner)
    response = client.get(statement_url(w.school.slug) + f"?month={month}")
    assert response.status_code == 400
    assert response.content.decode() in (
        "This field is required.",
        f"Select a valid choice. {month} is not one of the available choices.",
    )


def test_only_the_school_s_owners_and_managers_get_its_statement(client):
    w = rolled_up_world()
    month = f"?month={month_start(local_today(school_zone(w.school))):%Y-%m}"
    other_manager = UserFactory()
    Membership.objects.create(school=CourseFactory().school, user=other_manager, role=Role.MANAGER)
    for person, status in ((w.other_owner, 404), (other_manager, 404), (w.student, 404), (w.instructor, 403),
                           (w.manager, 200)):  # fmt: skip
        client.force_login(person)
        response = client.get(statement_url(w.school.slug) + month)
        assert response.status_code == status, person
        if status != 200:
            assert not response.content.startswith(b"%PDF")
    client.logout()
    assert client.get(statement_url(w.school.slug) + month).status_code == 302
