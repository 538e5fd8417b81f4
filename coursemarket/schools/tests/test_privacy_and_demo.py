from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from coursemarket.accounts.models import User
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.schools import privacy
from coursemarket.schools.models import Instructor, Invitation, Location, Membership, Role, School

from .factories import CredentialFactory, InstructorFactory, InvitationFactory, SchoolFactory, staff

pytestmark = pytest.mark.django_db


def test_export_holds_memberships_invitations_and_profiles():
    school = SchoolFactory(name="Academia Sol")
    member = staff(school, Role.INSTRUCTOR)
    profile = InstructorFactory(school=school, user=member.user, bio="My story")
    CredentialFactory(instructor=profile, title="CELTA")
    InvitationFactory(school=SchoolFactory(), email=member.user.email)
    InvitationFactory(school=school, invited_by=member.user, email="friend@example.com")
    data = privacy.export_user_data(user=member.user)
    json.dumps(data)  # serialisable as is
    assert data["memberships"][0]["school"] == "Academia Sol"
    assert data["memberships"][0]["role"] == "instructor"
    assert len(data["invitations_received"]) == 1
    assert data["invitations_sent"][0]["email"] == "friend@example.com"
    assert data["instructor_profiles"][0]["bio"] == "My story"
    assert data["instructor_profiles"][0]["credentials"][0]["title"] == "CELTA"


def test_only_owner_blocks_erasure_with_a_reason():
    school = SchoolFactory(name="Solo School")
    owner = staff(school).user
    blockers = privacy.erasure_blockers(user=owner)
    assert len(blockers) == 1 and "Solo School" in blockers[0]
    with pytest.raises(ValueError):
        privacy.erase_user_data(user=owner)
    assert Membership.objects.filter(user=owner).exists()
    staff(school, Role.OWNER)
    assert privacy.erasure_blockers(user=owner) == []


def test_erasure_removes_the_person_but_keeps_the_schools_record():
    school = SchoolFactory()
    staff(school)
    member = staff(school, Role.INSTRUCTOR)
    user = member.user
    profile = InstructorFactory(
        school=school, user=user, bio="Personal", headline="Me", linkedin_url="https://linkedin.example/me"
    )
    CredentialFactory(instructor=profile)
    InvitationFactory(email=user.email)
    sent = InvitationFactory(school=school, invited_by=user)
    privacy.erase_user_data(user=user)
    assert not Membership.objects.filter(user=user).exists()
    profile.refresh_from_db()
    assert profile.user is None and not profile.is_active
    assert profile.bio == "" and profile.headline == "" and profile.linkedin_url == ""
    assert not profile.credentials.exists()
    assert profile.name  # the school's history of who taught keeps the name
    assert not Invitation.objects.filter(email=user.email).exists()
    sent.refresh_from_db()
    assert sent.invited_by is None


def test_demo_seed_is_idempotent_and_complete(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from coursemarket.accounts import demo as accounts_demo
    from coursemarket.schools import demo

    accounts_demo.seed()
    first = demo.seed()
    assert len(first) >= 20
    assert demo.seed() == []
    counts = (School.objects.count(), Location.objects.count(), Instructor.objects.count(), Membership.objects.count())
    demo.seed()
    assert counts == (
        School.objects.count(),
        Location.objects.count(),
        Instructor.objects.count(),
        Membership.objects.count(),
    )
    assert Location.objects.values("city").distinct().count() >= 6
    assert School.objects.filter(is_verified=True).exists() and School.objects.filter(is_verified=False).exists()
    owner = User.objects.get(email="owner@coursemarket.test")
    teacher = User.objects.get(email="instructor@coursemarket.test")
    sol = School.objects.get(slug="academia-sol-madrid")
    assert Membership.objects.get(school=sol, user=owner).role == Role.OWNER
    assert Membership.objects.get(school=sol, user=teacher).role == Role.INSTRUCTOR
    assert Instructor.objects.get(school=sol, user=teacher).credentials.exists()
    assert all(s.logo and s.cover_image for s in School.objects.all())
    assert {loc.timezone for loc in Location.objects.all()} >= {"Europe/Madrid", "Asia/Tokyo", "Africa/Cairo"}
    from allauth.account.models import EmailAddress

    staff_user = User.objects.get(email="lena.hoffmann@coursemarket.test")
    assert staff_user.check_password("coursemarket-demo")
    assert EmailAddress.objects.get(user=staff_user).verified


def test_seed_demo_command_runs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    assert School.objects.count() >= 20


def test_operator_verifies_from_the_admin(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    school = SchoolFactory()
    client.force_login(operator)
    response = client.post("/admin/schools/school/", {"action": "verify", "_selected_action": [school.pk]}, follow=True)
    assert response.status_code == 200
    school.refresh_from_db()
    assert school.is_verified
    from coursemarket.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="school.verify", actor=operator).exists()
