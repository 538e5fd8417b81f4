import pytest

from coursemarket.accounts.models import StudentProfile, User
from coursemarket.audit.models import AuditEntry

from .factories import StudentProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    client.operator = operator
    return client


def test_user_change_page_shows_profile_and_preferences(operator_client):
    profile = StudentProfileFactory()
    html = operator_client.get(f"/admin/accounts/user/{profile.user.pk}/change/").content.decode()
    assert "Lisbon" in html and "booking_reminders" in html


def test_operators_erase_accounts_through_the_service_not_a_hard_delete(operator_client):
    person = StudentProfileFactory().user
    response = operator_client.post(
        "/admin/accounts/user/", {"action": "erase_accounts", "_selected_action": [person.pk]}, follow=True
    )
    assert "1 account erased." in response.content.decode()
    person = User.objects.get(pk=person.pk)  # the row stays, anonymised
    assert person.email == f"deleted-{person.pk}@invalid.example" and not person.is_active
    assert not StudentProfile.objects.filter(user=person).exists()
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor_id == operator_client.operator.pk and entry.changes == {"user_id": person.pk}
    assert operator_client.get(f"/admin/accounts/user/{person.pk}/delete/").status_code == 403
