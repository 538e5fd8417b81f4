from __future__ import annotations

import json

import pytest

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.schools import privacy
from coursemarket.schools.models import Invitation, Membership, Role

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
