"""The invitation email through the real SMTP server, in the invitation's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from coursemarket.notifications.testing import body_text
from coursemarket.schools import services
from coursemarket.schools.tests.factories import SchoolFactory, image_upload, staff

pytestmark = pytest.mark.django_db


def _invite(school, language: str, email: str):
    owner = staff(school).user
    owner.display_name = "Olga Owner"
    owner.save(update_fields=["display_name"])
    with translation.override(language):
        return services.invitation_create(actor=owner, school=school, email=email, role="manager")


def test_invitation_arrives_in_english_with_the_school_header(smtp):
    school = SchoolFactory(name="Academia Sol")
    school.logo.save("logo.png", image_upload(), save=True)
    invitation = _invite(school, "en", "mario@example.com")
    (message,) = smtp.deliver()
    assert message["To"] == "mario@example.com"
    assert message["Subject"] == "You're invited to join Academia Sol on Coursemarket"
    text = body_text(message)
    assert "Olga Owner invited you to join Academia Sol on Coursemarket as Manager." in text
    assert f"/en/invitations/{invitation.token}/" in text
    html = body_text(message, "html")
    assert f"/en/invitations/{invitation.token}/" in html
    assert "Academia Sol" in html and "/media/schools/logos/" in html  # the school's name and logo
    assert 'lang="en"' in html
    assert message["List-Unsubscribe"] is None  # transactional


def test_invitation_arrives_in_the_invitations_language(smtp):
    school = SchoolFactory(name="Academia Sol")
    invitation = _invite(school, "es", "mario@example.com")
    (message,) = smtp.deliver()
    assert message["Subject"] == "Te invitan a unirte a Academia Sol en Coursemarket"
    text = body_text(message)
    assert "Acepta o rechaza la invitación aquí:" in text
    assert f"/es/invitations/{invitation.token}/" in text
    html = body_text(message, "html")
    assert 'lang="es"' in html
    assert "Acepta o rechaza la invitación" in html


def test_invitation_in_arabic_is_right_to_left(smtp):
    school = SchoolFactory(name="Academia Sol")
    _invite(school, "ar", "mario@example.com")
    (message,) = smtp.deliver()
    assert 'dir="rtl"' in body_text(message, "html")
    assert "Academia Sol" in message["Subject"] and "You're invited" not in message["Subject"]
