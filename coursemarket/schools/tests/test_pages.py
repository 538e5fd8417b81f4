"""Pages: public school and instructor pages, directory, dashboard flows through
the views, query counts that do not grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.core.testing import assert_queries
from coursemarket.schools.models import Invitation, Location, Membership, Role, School

from .factories import (
    CredentialFactory,
    InstructorFactory,
    InvitationFactory,
    LocationFactory,
    RoomFactory,
    SchoolFactory,
    image_upload,
    staff,
)

pytestmark = pytest.mark.django_db


def _school_with(n: int) -> School:
    school = SchoolFactory(slug=f"school-{n}", brand_primary_color="#fde047", is_verified=True)
    for i in range(n):
        location = LocationFactory(school=school, name=f"Sede {i}")
        RoomFactory(location=location)
        instructor = InstructorFactory(school=school)
        CredentialFactory(instructor=instructor)
    return school


@pytest.mark.parametrize("n", [1, 6])
def test_public_school_page_queries_do_not_grow(client, n):
    school = _school_with(n)
    url = reverse("schools:school_detail", kwargs={"slug": school.slug})
    # school, locations with room counts, instructors, and the registered sections
    # (schools.sections): the page versions their shared fragments are keyed by,
    # its published courses (none: a count only), rating summary
    with assert_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert school.name in html
    assert "Verified" in html
    # A pale brand colour is darkened until white text on it is readable.
    assert "--cm-primary: #" in html and "#fde047" not in html.split("--cm-primary:")[1][:9]
    assert "Open in OpenStreetMap" in html
    assert 'id="school-map"' not in html  # no tiles configured: address cards only


def test_public_school_page_map_needs_tiles(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    school = _school_with(1)
    html = client.get(reverse("schools:school_detail", kwargs={"slug": school.slug})).content.decode()
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html
    assert "leaflet.js" in html
    assert 'data-lat="40.416500"' in html


def test_no_empty_sections_on_a_bare_school(client):
    school = SchoolFactory(description="", tagline="")
    html = client.get(reverse("schools:school_detail", kwargs={"slug": school.slug})).content.decode()
    assert "Instructors" not in html
    assert "Where we teach" not in html
    assert "Courses" not in html.split("<main")[1].split("</main>")[0]


def test_description_markdown_is_sanitised(client):
    school = SchoolFactory(description="**Bold** <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(reverse("schools:school_detail", kwargs={"slug": school.slug})).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html


@pytest.mark.parametrize("n", [1, 5])
def test_instructor_page_queries_do_not_grow(client, n):
    instructor = InstructorFactory()
    for _ in range(n):
        CredentialFactory(instructor=instructor)
    CredentialFactory(instructor=instructor, kind="certification", verification_url="https://verify.example/1")
    # instructor with school, credentials, and the registered sections: the page
    # versions their shared fragments are keyed by, courses taught, past
    # sessions taught (none), rating summary, students taught
    with assert_queries(7):
        response = client.get(reverse("schools:instructor_detail", kwargs={"slug": instructor.slug}))
    assert response.status_code == 200
    assert "Certifications" in response.content.decode()


def test_hidden_instructor_is_not_found(client):
    instructor = InstructorFactory(is_active=False)
    assert client.get(reverse("schools:instructor_detail", kwargs={"slug": instructor.slug})).status_code == 404


def _ours(ctx) -> int:
    """Queries on this app's tables (middleware from other apps adds its own)."""
    return sum(1 for q in ctx.captured_queries if "schools_" in q["sql"])


@pytest.mark.parametrize(
    ("name", "ours"),
    [("dashboard", 3), ("locations", 4), ("instructors", 3), ("members", 4), ("profile", 2)],
)
def test_dashboard_queries_do_not_grow(client, name, ours):
    """The same number of queries for a school with 1 or 6 locations,
    instructors and members; and a pinned number on our own tables."""
    small, big = _school_with(1), _school_with(6)
    owner = UserFactory()
    for school in (small, big):
        Membership.objects.create(school=school, user=owner, role=Role.OWNER)
    for _ in range(5):
        staff(big, Role.INSTRUCTOR)
    client.force_login(owner)
    client.get(reverse("schools:dashboard", kwargs={"slug": small.slug}))  # warm the session
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(reverse(f"schools:{name}", kwargs={"slug": small.slug})).status_code == 200
    assert _ours(baseline) == ours
    with assert_queries(len(baseline.captured_queries)):
        assert client.get(reverse(f"schools:{name}", kwargs={"slug": big.slug})).status_code == 200


def test_directory_filters_by_city(client):
    LocationFactory(school=SchoolFactory(name="Madrid School"), city="Madrid")
    LocationFactory(school=SchoolFactory(name="Tokyo School"), city="Tokyo", country="JP")
    html = client.get(reverse("schools:school_list") + "?city=Tokyo").content.decode()
    assert "Tokyo School" in html and "Madrid School" not in html
    with assert_queries(3):  # schools, their locations, the city list
        client.get(reverse("schools:school_list"))


def test_create_school_through_the_form(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("schools:school_create"),
        {
            "name": "Academia Luna",
            "slug": "",
            "tagline": "Spanish by the sea",
            "languages_taught": ["es", "en"],
            "default_language": "es",
            "logo": image_upload(),
        },
    )
    assert response.status_code == 302
    school = School.objects.get(slug="academia-luna")
    assert school.languages_taught == ["es", "en"]
    assert school.logo
    assert Membership.objects.get(school=school).user == user


def test_create_school_form_shows_errors_inline_and_changes_nothing(client):
    SchoolFactory(slug="taken")
    client.force_login(UserFactory())
    response = client.post(
        reverse("schools:school_create"),
        {"name": "Taken", "slug": "taken", "default_language": "en", "logo": image_upload(name="x.png", size=(10, 10))},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "slug" in form.errors and "logo" in form.errors
    assert School.objects.count() == 1


def test_location_form_with_the_no_js_city_picker(client):
    school = SchoolFactory()
    client.force_login(staff(school).user)
    url = reverse("schools:location_create", kwargs={"slug": school.slug})
    results = client.get(url, {"city-q": "berl"}).content.decode()
    assert "Berlin" in results and "?pick=2950159" in results
    prefilled = client.get(url, {"pick": "2950159"})
    assert prefilled.context["form"].initial["city"] == "Berlin"
    assert prefilled.context["form"].initial["country"] == "DE"
    response = client.post(
        url,
        {"name": "Studio", "city": "Berlin", "country": "DE", "latitude": "52.52437", "longitude": "13.41053"},
    )
    assert response.status_code == 302
    assert Location.objects.get(school=school).timezone == "Europe/Berlin"


def test_location_form_refuses_bad_coordinates(client):
    school = SchoolFactory()
    client.force_login(staff(school).user)
    url = reverse("schools:location_create", kwargs={"slug": school.slug})
    response = client.post(url, {"name": "Studio", "city": "X", "country": "DE", "latitude": "95", "longitude": "1"})
    assert response.status_code == 400
    assert "latitude" in response.context["form"].errors
    assert not Location.objects.exists()


def test_htmx_city_search_returns_a_partial(client):
    client.force_login(UserFactory())
    response = client.get(reverse("schools:city_search"), {"city-q": "tokyo"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-city="Tokyo"' in html and 'data-country="JP"' in html


# --- Invitations through the pages ---------------------------------------------------


def test_invitation_flow_through_the_pages(client, django_capture_on_commit_callbacks):
    school = SchoolFactory(name="Academia Sol")
    owner = staff(school).user
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schools:invite", kwargs={"slug": school.slug}), {"email": "mgr@example.com", "role": "manager"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="mgr@example.com")
    members_page = client.get(reverse("schools:members", kwargs={"slug": school.slug})).content.decode()
    assert invitation.token in members_page  # the link is there to copy

    client.logout()
    link = reverse("schools:invitation_detail", kwargs={"token": invitation.token})
    anonymous = client.get(link).content.decode()
    assert "mgr@example.com" in anonymous and "/account/signup/?next=" in anonymous

    manager = UserFactory(email="mgr@example.com")
    client.force_login(manager)
    assert "Accept invitation" in client.get(link).content.decode()
    response = client.post(
        reverse("schools:invitation_answer", kwargs={"token": invitation.token}), {"answer": "accept"}
    )
    assert response["Location"] == reverse("schools:dashboard", kwargs={"slug": school.slug})
    assert Membership.objects.get(school=school, user=manager).role == Role.MANAGER
    # A used link is refused with a clear message.
    used = client.get(link)
    assert used.status_code == 410
    assert "already been used" in used.content.decode()


def test_expired_invitation_page(client):
    invitation = InvitationFactory(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(UserFactory(email=invitation.email))
    response = client.get(reverse("schools:invitation_detail", kwargs={"token": invitation.token}))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    answer = client.post(
        reverse("schools:invitation_answer", kwargs={"token": invitation.token}), {"answer": "accept"}, follow=True
    )
    assert "expired" in answer.content.decode()
    assert not Membership.objects.exists()


def test_invitation_for_another_address_asks_to_switch_accounts(client):
    invitation = InvitationFactory(email="right@example.com")
    client.force_login(UserFactory(email="wrong@example.com"))
    html = client.get(reverse("schools:invitation_detail", kwargs={"token": invitation.token})).content.decode()
    assert "right@example.com" in html and "Sign out" in html


def test_unknown_invitation_token_is_404(client):
    assert client.get(reverse("schools:invitation_detail", kwargs={"token": "nope"})).status_code == 404


def test_my_schools_lists_schools_and_invitations(client):
    school = SchoolFactory(name="Mine")
    user = staff(school, Role.MANAGER).user
    InvitationFactory(email=user.email, school=SchoolFactory(name="Invites Me"))
    client.force_login(user)
    html = client.get(reverse("schools:my_schools")).content.decode()
    assert "Mine" in html and "Invites Me" in html


def test_nav_links_appear_for_school_staff(client):
    client.force_login(staff(SchoolFactory(), Role.MANAGER).user)
    html = client.get(reverse("schools:school_list")).content.decode()
    assert reverse("schools:my_schools") in html


def test_inviting_the_person_behind_a_profile_links_it_on_acceptance(client):
    school = SchoolFactory()
    owner = staff(school).user
    profile = InstructorFactory(school=school)
    client.force_login(owner)
    edit = client.get(reverse("schools:instructor_edit", kwargs={"slug": school.slug, "instructor_id": profile.pk}))
    assert "Let them edit this profile" in edit.content.decode()
    response = client.post(
        reverse("schools:invite", kwargs={"slug": school.slug}),
        {"email": "lucia@example.com", "role": "instructor", "instructor_id": profile.pk},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="lucia@example.com")
    assert invitation.instructor == profile
    lucia = UserFactory(email="lucia@example.com")
    client.force_login(lucia)
    client.post(reverse("schools:invitation_answer", kwargs={"token": invitation.token}), {"answer": "accept"})
    profile.refresh_from_db()
    assert profile.user == lucia


def test_inviting_for_another_schools_profile_is_not_found(client):
    school = SchoolFactory()
    client.force_login(staff(school).user)
    foreign = InstructorFactory()
    response = client.post(
        reverse("schools:invite", kwargs={"slug": school.slug}),
        {"email": "x@example.com", "role": "instructor", "instructor_id": foreign.pk},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()
