"""The permission matrix: every school-scoped page and action, for every kind
of visitor. Anonymous → sign-in; a student or another school's staff → 404;
a member whose role lacks the permission → 403; a role that has it → the
page or the change. A refused request changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.schools.models import (
    Instructor,
    InstructorCredential,
    Invitation,
    Location,
    Membership,
    Role,
    Room,
    School,
)
from coursemarket.schools.permissions import Perm, role_has

from .factories import (
    CredentialFactory,
    InstructorFactory,
    InvitationFactory,
    LocationFactory,
    MembershipFactory,
    RoomFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    school: School
    other: School
    users: dict[str, Any]
    location: Location
    room: Room
    instructor: Instructor
    credential: InstructorCredential
    member: Membership  # a second instructor, the target of role changes and removal
    manager_invitation: Invitation
    instructor_invitation: Invitation


@pytest.fixture
def world() -> World:
    school = SchoolFactory(slug="alpha")
    other = SchoolFactory(slug="beta")
    users = {
        "owner": MembershipFactory(school=school, role=Role.OWNER).user,
        "manager": MembershipFactory(school=school, role=Role.MANAGER).user,
        "instructor": MembershipFactory(school=school, role=Role.INSTRUCTOR).user,
        "student": UserFactory(),
        "other_owner": MembershipFactory(school=other, role=Role.OWNER).user,
    }
    location = LocationFactory(school=school)
    instructor = InstructorFactory(school=school)
    LocationFactory(school=other)
    return World(
        school=school,
        other=other,
        users=users,
        location=location,
        room=RoomFactory(location=location),
        instructor=instructor,
        credential=CredentialFactory(instructor=instructor),
        member=MembershipFactory(school=school, role=Role.INSTRUCTOR),
        manager_invitation=InvitationFactory(school=school, role=Role.MANAGER),
        instructor_invitation=InvitationFactory(school=school, role=Role.INSTRUCTOR),
    )


def state() -> dict[str, Any]:
    """Everything the schools app stores, plus the audit trail's length."""
    models = [School, Location, Room, Membership, Invitation, Instructor, InstructorCredential]
    snapshot: dict[str, Any] = {m.__name__: sorted(map(repr, m.objects.values())) for m in models}
    snapshot["audit"] = AuditEntry.objects.count()
    return snapshot


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    perm: Perm
    kwargs: Any  # World -> dict of URL kwargs (besides slug)
    data: Any = None  # World -> POST data
    success: int = 200  # status a permitted request gets (302 for a POST that redirects)


def _location_data(w: World) -> dict[str, str]:
    return {"name": "Nueva sede", "city": "Madrid", "country": "ES", "latitude": "40.42", "longitude": "-3.70"}


ENDPOINTS = [
    Endpoint("dashboard", "get", Perm.VIEW_DASHBOARD, lambda w: {}),
    Endpoint("profile", "get", Perm.EDIT_PROFILE, lambda w: {}),
    Endpoint(
        "profile",
        "post",
        Perm.EDIT_PROFILE,
        lambda w: {},
        lambda w: {"name": "Renamed", "slug": "alpha", "default_language": "en", "brand_primary_color": "#123456"},
        302,
    ),
    Endpoint("delete", "get", Perm.DELETE_SCHOOL, lambda w: {}),
    Endpoint("delete", "post", Perm.DELETE_SCHOOL, lambda w: {}, lambda w: {"confirm_slug": "alpha"}, 302),
    Endpoint("locations", "get", Perm.MANAGE_LOCATIONS, lambda w: {}),
    Endpoint("location_create", "get", Perm.MANAGE_LOCATIONS, lambda w: {}),
    Endpoint("location_create", "post", Perm.MANAGE_LOCATIONS, lambda w: {}, _location_data, 302),
    Endpoint("location_edit", "get", Perm.MANAGE_LOCATIONS, lambda w: {"location_id": w.location.pk}),
    Endpoint(
        "location_edit", "post", Perm.MANAGE_LOCATIONS, lambda w: {"location_id": w.location.pk}, _location_data, 302
    ),
    Endpoint("location_delete", "post", Perm.MANAGE_LOCATIONS, lambda w: {"location_id": w.location.pk}, None, 302),
    Endpoint(
        "room_create",
        "post",
        Perm.MANAGE_LOCATIONS,
        lambda w: {"location_id": w.location.pk},
        lambda w: {"room-name": "Aula 9", "room-capacity": "8"},
        302,
    ),
    Endpoint("room_edit", "get", Perm.MANAGE_LOCATIONS, lambda w: {"room_id": w.room.pk}),
    Endpoint(
        "room_edit",
        "post",
        Perm.MANAGE_LOCATIONS,
        lambda w: {"room_id": w.room.pk},
        lambda w: {"room-name": "Aula grande", "room-capacity": "30"},
        302,
    ),
    Endpoint("room_delete", "post", Perm.MANAGE_LOCATIONS, lambda w: {"room_id": w.room.pk}, None, 302),
    Endpoint("members", "get", Perm.INVITE_INSTRUCTORS, lambda w: {}),
    Endpoint(
        "invite",
        "post",
        Perm.INVITE_INSTRUCTORS,
        lambda w: {},
        lambda w: {"email": "teacher@example.com", "role": "instructor"},
        302,
    ),
    Endpoint(
        "invite",
        "post",
        Perm.MANAGE_MEMBERS,
        lambda w: {},
        lambda w: {"email": "boss@example.com", "role": "owner"},
        302,
    ),
    Endpoint(
        "invitation_revoke",
        "post",
        Perm.INVITE_INSTRUCTORS,
        lambda w: {"invitation_id": w.instructor_invitation.pk},
        None,
        302,
    ),
    Endpoint(
        "invitation_revoke",
        "post",
        Perm.MANAGE_MEMBERS,
        lambda w: {"invitation_id": w.manager_invitation.pk},
        None,
        302,
    ),
    Endpoint(
        "invitation_resend",
        "post",
        Perm.INVITE_INSTRUCTORS,
        lambda w: {"invitation_id": w.instructor_invitation.pk},
        None,
        302,
    ),
    Endpoint(
        "invitation_resend",
        "post",
        Perm.MANAGE_MEMBERS,
        lambda w: {"invitation_id": w.manager_invitation.pk},
        None,
        302,
    ),
    Endpoint(
        "member_role",
        "post",
        Perm.MANAGE_MEMBERS,
        lambda w: {"membership_id": w.member.pk},
        lambda w: {"role": "manager"},
        302,
    ),
    Endpoint("member_remove", "post", Perm.MANAGE_MEMBERS, lambda w: {"membership_id": w.member.pk}, None, 302),
    Endpoint("instructors", "get", Perm.MANAGE_INSTRUCTORS, lambda w: {}),
    Endpoint("instructor_create", "get", Perm.MANAGE_INSTRUCTORS, lambda w: {}),
    Endpoint(
        "instructor_create", "post", Perm.MANAGE_INSTRUCTORS, lambda w: {}, lambda w: {"name": "Nuevo Profe"}, 302
    ),
    Endpoint("instructor_edit", "get", Perm.MANAGE_INSTRUCTORS, lambda w: {"instructor_id": w.instructor.pk}),
    Endpoint(
        "instructor_edit",
        "post",
        Perm.MANAGE_INSTRUCTORS,
        lambda w: {"instructor_id": w.instructor.pk},
        lambda w: {"name": "Renamed Teacher", "is_active": "on"},
        302,
    ),
    Endpoint(
        "instructor_delete", "post", Perm.MANAGE_INSTRUCTORS, lambda w: {"instructor_id": w.instructor.pk}, None, 302
    ),
    Endpoint(
        "credential_create",
        "post",
        Perm.MANAGE_INSTRUCTORS,
        lambda w: {"instructor_id": w.instructor.pk},
        lambda w: {"credential-kind": "certification", "credential-title": "CELTA", "credential-year": "2019"},
        302,
    ),
    Endpoint(
        "credential_delete",
        "post",
        Perm.MANAGE_INSTRUCTORS,
        lambda w: {"instructor_id": w.instructor.pk, "credential_id": w.credential.pk},
        None,
        302,
    ),
]

ACTORS = ["anonymous", "student", "other_owner", "instructor", "manager", "owner"]


def _case_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method}-{endpoint.name}-{endpoint.perm.value}"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_case_id)
def test_permission_matrix(client, world, endpoint, actor):
    url = reverse(f"schools:{endpoint.name}", kwargs={"slug": world.school.slug, **endpoint.kwargs(world)})
    if actor != "anonymous":
        client.force_login(world.users[actor])
    before = state()
    data = endpoint.data(world) if endpoint.data else {}
    response = client.post(url, data) if endpoint.method == "post" else client.get(url)

    allowed = actor in ("instructor", "manager", "owner") and role_has(actor, endpoint.perm)
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif actor in ("student", "other_owner"):
        assert response.status_code == 404
    elif not allowed:
        assert response.status_code == 403
    else:
        assert response.status_code == endpoint.success, response.content.decode()[:2000]
        if endpoint.method == "post":
            assert state() != before, "a permitted change should change something"
        return
    assert state() == before


def test_matrix_covers_every_dashboard_url():
    from coursemarket.schools.urls import dashboard_patterns

    covered = {endpoint.name for endpoint in ENDPOINTS}
    names = {pattern.name for pattern in dashboard_patterns}
    # "leave" is every member's right; tested on its own below. The translation pages
    # let any member in and then check each text's own permission (the profile's, the
    # instructors', the locations'): tested in test_text_translation_overview.py.
    assert names - covered == {"leave", "translations", "translation_export", "translation_import",
                               "profile_translation"}  # fmt: skip


def test_leave(client, world):
    url = reverse("schools:leave", kwargs={"slug": world.school.slug})
    assert client.post(url).status_code == 302 and "login" in client.post(url)["Location"]
    client.force_login(world.users["student"])
    assert client.post(url).status_code == 404
    client.force_login(world.users["instructor"])
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(school=world.school, user=world.users["instructor"]).exists()
    # The only owner is refused with a message, and stays.
    client.force_login(world.users["owner"])
    before = state()
    response = client.post(url, follow=True)
    assert "at least one owner" in response.content.decode()
    assert state() == before


def test_an_instructor_edits_their_own_profile(client, world):
    teacher = world.users["instructor"]
    own = InstructorFactory(school=world.school, user=teacher)
    client.force_login(teacher)
    url = reverse("schools:instructor_edit", kwargs={"slug": world.school.slug, "instructor_id": own.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "is_active" not in page.context["form"].fields
    response = client.post(url, {"name": own.name, "headline": "Jazz pianist", "is_active": ""})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.headline == "Jazz pianist" and own.is_active
    credential_url = reverse("schools:credential_create", kwargs={"slug": world.school.slug, "instructor_id": own.pk})
    assert client.post(credential_url, {"credential-kind": "credential", "credential-title": "BMus"}).status_code == 302
    assert own.credentials.filter(title="BMus").exists()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("location_edit", lambda o: {"location_id": o.locations.get().pk}),
        ("location_delete", lambda o: {"location_id": o.locations.get().pk}),
        ("instructor_edit", lambda o: {"instructor_id": InstructorFactory(school=o).pk}),
        ("member_remove", lambda o: {"membership_id": o.memberships.get().pk}),
        ("room_delete", lambda o: {"room_id": RoomFactory(location=o.locations.get()).pk}),
        ("invitation_revoke", lambda o: {"invitation_id": InvitationFactory(school=o).pk}),
    ],
)
def test_ids_from_another_school_are_not_found(client, world, name, kwargs):
    """Own school's slug, another school's object id: 404, nothing changes."""
    client.force_login(world.users["owner"])
    url = reverse(f"schools:{name}", kwargs={"slug": world.school.slug, **kwargs(world.other)})
    before = state()
    response = client.post(url) if "edit" not in name else client.get(url)
    assert response.status_code == 404
    assert state() == before


def test_city_search_needs_sign_in(client, world):
    url = reverse("schools:city_search") + "?city-q=madr"
    assert client.get(url).status_code == 302
    client.force_login(world.users["student"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Madrid" in response.content.decode()
