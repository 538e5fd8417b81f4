"""How to get to a session's location, where a student needs it: the course
page's session cards and the ticket, in the reader's language with the
school's fallbacks, labelled when machine-made."""

import pytest
from django.urls import reverse

from coursemarket.bookings.tests.after_purchase import confirmed_by_transfer, school_world
from coursemarket.schools.services import school_update
from coursemarket.schools.translations import profile_translation_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = school_world()
    w.school.default_language = "es"
    w.school.save(update_fields=["default_language"])
    location = w.session.location
    location.directions = "Segundo piso, puerta azul."
    location.save(update_fields=["directions"])
    return w


def test_the_session_card_shows_the_directions_in_the_readers_language(
    client, world, django_capture_on_commit_callbacks
):
    location = world.session.location
    path = reverse("catalog:course_detail", args=[world.course.slug]).split("/", 2)[2]  # without the language
    html = client.get(f"/en/{path}").content.decode()
    assert 'data-testid="directions"' in html and "Segundo piso, puerta azul." in html and 'lang="es"' in html
    with django_capture_on_commit_callbacks(execute=True):
        profile_translation_save(
            actor=world.owner, obj=location, language="en", texts={"directions": "Second floor, blue door."}
        )
    html = client.get(f"/en/{path}").content.decode()
    assert "Second floor, blue door." in html and "Segundo piso" not in html
    # A Japanese reader gets the school's fallback (English) once the school chooses it.
    assert "Segundo piso, puerta azul." in client.get(f"/ja/{path}").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        school_update(actor=world.owner, school=world.school, data={"fallback_languages": ["en"]})
    assert "Second floor, blue door." in client.get(f"/ja/{path}").content.decode()


def test_the_ticket_shows_the_directions_labelled_when_machine_made(client, world):
    booking = confirmed_by_transfer(world.student, world.session, staff_user=world.owner)
    profile_translation_save(
        actor=world.owner,
        obj=world.session.location,
        language="fr",
        texts={"directions": "Deuxième étage, porte bleue."},
        origin="machine",
        approved=False,
    )
    client.force_login(world.student)
    path = reverse("bookings:ticket", args=[booking.reference]).split("/", 2)[2]
    html = client.get(f"/fr/{path}").content.decode()
    assert "Deuxième étage, porte bleue." in html and 'data-testid="machine-label"' in html
    html = client.get(f"/de/{path}").content.decode()
    assert "Segundo piso, puerta azul." in html and 'data-testid="machine-label"' not in html
