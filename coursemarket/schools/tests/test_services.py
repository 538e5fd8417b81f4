"""Services: invariants, permissions, validation with clear errors that change nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from PIL import Image

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AuditEntry
from coursemarket.notifications.delivery import deliver_due
from coursemarket.notifications.models import OutboxMessage
from coursemarket.schools import services
from coursemarket.schools.models import Instructor, Invitation, Location, Membership, Role, School

from .factories import InstructorFactory, InvitationFactory, LocationFactory, SchoolFactory, image_upload, staff

pytestmark = pytest.mark.django_db


def test_create_school_makes_the_creator_owner_and_audits():
    user = UserFactory()
    school = services.school_create(
        user=user, name="Academia Sol", tagline="Spanish in Madrid", languages_taught=["es"]
    )
    assert school.slug == "academia-sol"
    assert not school.is_verified
    assert Membership.objects.get(school=school).user == user
    assert Membership.objects.get(school=school).role == Role.OWNER
    assert AuditEntry.objects.filter(action="school.create", school_id=school.pk, actor=user).exists()


def test_duplicate_slug_is_refused_with_a_translated_error_and_nothing_changes():
    SchoolFactory(slug="academia-sol")
    user = UserFactory()
    with translation.override("es"):
        with pytest.raises(ValidationError) as exc:
            services.school_create(user=user, name="Academia Sol", slug="academia-sol")
        message = str(exc.value.message_dict["slug"][0])
    assert message != "Another school already uses this web address. Please choose another."
    assert School.objects.count() == 1
    assert not Membership.objects.filter(user=user).exists()


def test_reserved_slug_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.school_create(user=UserFactory(), name="New", slug="new")
    assert "slug" in exc.value.message_dict


def test_logo_is_resized_and_reencoded():
    user = UserFactory()
    school = services.school_create(user=user, name="Big Logo", logo=image_upload(size=(2000, 1200)))
    with Image.open(school.logo.path) as stored:
        assert max(stored.size) == 512
        assert stored.format == "JPEG"


def test_bad_image_is_refused_and_nothing_changes():
    user = UserFactory()
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'not an image'; ?>", content_type="image/png")
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        services.school_create(user=user, name="Fake Logo", logo=fake)
    assert "Bild" in str(exc.value.messages[0])
    assert not School.objects.exists()


def test_oversized_image_is_refused(settings):
    from coursemarket.core import images

    upload = image_upload()
    upload.size = images.MAX_UPLOAD_BYTES + 1
    with pytest.raises(ValidationError) as exc:
        images.check_image(upload)
    assert exc.value.code == "too_large"


def test_only_operators_verify_schools():
    school = SchoolFactory()
    owner = staff(school).user
    with pytest.raises(PermissionDenied):
        services.school_set_verified(actor=owner, school=school, verified=True)
    operator = UserFactory(is_staff=True)
    school = services.school_set_verified(actor=operator, school=school, verified=True)
    assert school.is_verified and school.verified_at is not None
    assert AuditEntry.objects.filter(action="school.verify", school_id=school.pk).exists()


def test_brand_colour_must_be_hex():
    school = SchoolFactory()
    owner = staff(school).user
    with pytest.raises(ValidationError) as exc:
        services.school_update(actor=owner, school=school, data={"brand_primary_color": "red"})
    assert "brand_primary_color" in exc.value.message_dict
    school.refresh_from_db()
    assert school.brand_primary_color == ""
    services.school_update(actor=owner, school=school, data={"brand_primary_color": "#FF6600"})
    school.refresh_from_db()
    assert school.brand_primary_color == "#ff6600"


# --- Locations -------------------------------------------------------------------


def test_location_gets_its_time_zone_from_the_coordinates():
    school = SchoolFactory()
    owner = staff(school).user
    location = services.location_create(
        actor=owner, school=school, name="Shibuya", city="Tokyo", country="jp", latitude="35.6580", longitude="139.7016"
    )
    assert location.timezone == "Asia/Tokyo"
    assert location.country == "JP"
    assert location.latitude == Decimal("35.658000")


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("91", "0", "latitude"), ("0", "-180.5", "longitude"), ("abc", "3", "latitude"), ("NaN", "3", "latitude")],
)
def test_invalid_coordinates_are_refused_and_nothing_changes(latitude, longitude, field):
    school = SchoolFactory()
    owner = staff(school).user
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        services.location_create(
            actor=owner, school=school, name="Nowhere", city="X", country="ES", latitude=latitude, longitude=longitude
        )
    assert field in exc.value.message_dict
    assert not Location.objects.exists()
    assert not AuditEntry.objects.filter(action="location.create").exists()


def test_unknown_country_is_refused():
    school = SchoolFactory()
    owner = staff(school).user
    with pytest.raises(ValidationError) as exc:
        services.location_create(
            actor=owner, school=school, name="Main", city="Madrid", country="XX", latitude="40.4", longitude="-3.7"
        )
    assert "country" in exc.value.message_dict


def test_location_names_are_unique_per_school():
    location = LocationFactory(name="Centro")
    owner = staff(location.school).user
    with pytest.raises(ValidationError) as exc:
        services.location_create(
            actor=owner, school=location.school, name="centro", city="Madrid", country="ES", latitude=40, longitude=-3
        )
    assert "name" in exc.value.message_dict


def test_room_capacity_must_be_positive():
    location = LocationFactory()
    owner = staff(location.school).user
    with pytest.raises(ValidationError) as exc:
        services.room_create(actor=owner, location=location, name="Tiny", capacity=0)
    assert "capacity" in exc.value.message_dict
    room = services.room_create(actor=owner, location=location, name="Aula 1", capacity=14)
    assert room.capacity == 14


# --- Invitations and memberships ---------------------------------------------------


def test_invitation_is_written_to_the_outbox_in_its_transaction(mailoutbox):
    school = SchoolFactory(name="Academia Sol")
    owner = staff(school).user
    invitation = services.invitation_create(actor=owner, school=school, email="New.Person@Example.com", role="manager")
    assert invitation.email == "new.person@example.com"
    assert invitation.expires_at - timezone.now() > timedelta(days=6)
    row = OutboxMessage.objects.get(dedup_key=f"invitation:{invitation.pk}")
    assert (row.to_email, row.language, row.category, row.recipient) == (
        "new.person@example.com",
        "en",
        "transactional",
        None,
    )
    assert deliver_due() == 1
    assert len(mailoutbox) == 1
    assert "Academia Sol" in mailoutbox[0].subject
    assert invitation.token in mailoutbox[0].body


def test_a_failed_invitation_writes_no_email():
    school = SchoolFactory()
    owner = staff(school).user
    with pytest.raises(ValidationError):
        services.invitation_create(actor=owner, school=school, email="not an address", role="manager")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invitation_create(actor=owner, school=school, email="a@example.com", role="manager")
        raise RuntimeError("the surrounding change fails")
    assert not OutboxMessage.objects.exists()


def test_a_resent_invitation_is_emailed_again():
    school = SchoolFactory()
    owner = staff(school).user
    first = services.invitation_create(actor=owner, school=school, email="a@example.com", role="manager")
    second = services.invitation_resend(actor=owner, invitation=first)
    assert second.pk != first.pk
    assert set(OutboxMessage.objects.values_list("dedup_key", flat=True)) == {
        f"invitation:{first.pk}",
        f"invitation:{second.pk}",
    }


def test_a_new_invitation_replaces_the_open_one():
    school = SchoolFactory()
    owner = staff(school).user
    first = services.invitation_create(actor=owner, school=school, email="a@example.com", role="manager")
    second = services.invitation_create(actor=owner, school=school, email="a@example.com", role="instructor")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending


def test_managers_invite_instructors_only():
    school = SchoolFactory()
    manager = staff(school, Role.MANAGER).user
    services.invitation_create(actor=manager, school=school, email="teacher@example.com", role="instructor")
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=manager, school=school, email="boss@example.com", role="owner")
    assert not Invitation.objects.filter(email="boss@example.com").exists()


def test_accepting_makes_a_member_and_links_an_instructor_profile():
    school = SchoolFactory()
    invitee = UserFactory(email="teacher@example.com")
    invitation = InvitationFactory(school=school, email="teacher@example.com", role=Role.INSTRUCTOR)
    membership = services.invitation_accept(user=invitee, invitation=invitation)
    assert membership.role == Role.INSTRUCTOR
    assert Instructor.objects.get(school=school, user=invitee).name == invitee.name
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == invitee


def test_accepting_links_the_invited_profile():
    school = SchoolFactory()
    profile = InstructorFactory(school=school)
    invitee = UserFactory(email="kenji@example.com")
    invitation = InvitationFactory(school=school, email="kenji@example.com", role=Role.INSTRUCTOR, instructor=profile)
    services.invitation_accept(user=invitee, invitation=invitation)
    profile.refresh_from_db()
    assert profile.user == invitee
    assert Instructor.objects.filter(school=school).count() == 1


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted", "declined"])
def test_unusable_invitations_are_refused_and_nothing_changes(state):
    school = SchoolFactory()
    invitee = UserFactory(email="late@example.com")
    invitation = InvitationFactory(school=school, email="late@example.com")
    now = timezone.now()
    if state == "expired":
        invitation.expires_at = now - timedelta(minutes=1)
    else:
        setattr(invitation, f"{state}_at", now)
    invitation.save()
    with translation.override("es"), pytest.raises(ValidationError) as exc:
        services.invitation_accept(user=invitee, invitation=invitation)
    assert exc.value.messages[0]
    assert exc.value.messages[0] != "This invitation has expired. Ask the school to send you a new one."
    assert not Membership.objects.filter(user=invitee).exists()


def test_invitation_for_someone_else_is_refused():
    invitation = InvitationFactory(email="right@example.com")
    wrong = UserFactory(email="wrong@example.com")
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(user=wrong, invitation=invitation)
    assert exc.value.code == "wrong_user"
    assert not Membership.objects.filter(user=wrong).exists()


def test_a_verified_secondary_address_may_accept():
    from allauth.account.models import EmailAddress

    invitation = InvitationFactory(email="work@example.com")
    user = UserFactory(email="home@example.com")
    EmailAddress.objects.create(user=user, email="work@example.com", verified=True, primary=False)
    services.invitation_accept(user=user, invitation=invitation)
    assert Membership.objects.filter(user=user, school=invitation.school).exists()


def test_declining():
    invitation = InvitationFactory(email="no@example.com")
    user = UserFactory(email="no@example.com")
    services.invitation_decline(user=user, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(user=user).exists()


def test_last_owner_cannot_leave_be_demoted_or_removed():
    school = SchoolFactory()
    owner = staff(school).user
    membership = Membership.objects.get(user=owner)
    with translation.override("ar"), pytest.raises(ValidationError) as exc:
        services.membership_leave(user=owner, school=school)
    assert exc.value.code == "last_owner"
    assert exc.value.messages[0] != "A school needs at least one owner. Make someone else an owner first."
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=owner, membership=membership, role=Role.MANAGER)
    with pytest.raises(ValidationError):
        services.membership_remove(actor=owner, membership=membership)
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_may_leave_when_another_owner_remains():
    school = SchoolFactory()
    first = staff(school).user
    second = staff(school).user
    services.membership_leave(user=first, school=school)
    assert list(Membership.objects.filter(school=school).values_list("user", flat=True)) == [second.pk]


def test_removing_a_member_unlinks_their_instructor_profile_but_keeps_it():
    school = SchoolFactory()
    owner = staff(school).user
    teacher = staff(school, Role.INSTRUCTOR)
    profile = InstructorFactory(school=school, user=teacher.user)
    services.membership_remove(actor=owner, membership=teacher)
    profile.refresh_from_db()
    assert profile.user is None
    assert not Membership.objects.filter(pk=teacher.pk).exists()


def test_managers_cannot_change_roles():
    school = SchoolFactory()
    manager = staff(school, Role.MANAGER).user
    teacher = staff(school, Role.INSTRUCTOR)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(actor=manager, membership=teacher, role=Role.OWNER)
    teacher.refresh_from_db()
    assert teacher.role == Role.INSTRUCTOR


# --- Instructors ----------------------------------------------------------------------


def test_instructor_edits_own_profile_but_not_visibility_or_others():
    school = SchoolFactory()
    teacher = staff(school, Role.INSTRUCTOR).user
    own = InstructorFactory(school=school, user=teacher)
    other = InstructorFactory(school=school)
    services.instructor_update(actor=teacher, instructor=own, data={"headline": "New headline"})
    own.refresh_from_db()
    assert own.headline == "New headline"
    with pytest.raises(PermissionDenied):
        services.instructor_update(actor=teacher, instructor=own, data={"is_active": False})
    with pytest.raises(PermissionDenied):
        services.instructor_update(actor=teacher, instructor=other, data={"headline": "Hacked"})
    other.refresh_from_db()
    assert other.headline != "Hacked"


def test_instructor_slugs_are_unique():
    school = SchoolFactory()
    owner = staff(school).user
    first = services.instructor_create(actor=owner, school=school, name="Ana García")
    second = services.instructor_create(actor=owner, school=school, name="Ana García")
    assert first.slug == "ana-garcia"
    assert second.slug == "ana-garcia-2"


def test_credential_year_and_url_are_validated():
    instructor = InstructorFactory()
    owner = staff(instructor.school).user
    with pytest.raises(ValidationError) as exc:
        services.credential_create(
            actor=owner, instructor=instructor, title="CELTA", year=1800, verification_url="not a url"
        )
    assert set(exc.value.message_dict) == {"year", "verification_url"}
    assert not instructor.credentials.exists()
