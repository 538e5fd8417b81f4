from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coursemarket.accounts.models import NotificationPreferences
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.notifications.delivery import deliver_due
from coursemarket.notifications.models import Category, OutboxMessage, OutboxStatus
from coursemarket.notifications.services import notify_rendered, unsubscribe_token

pytestmark = pytest.mark.django_db


def queue(user, n: int = 0, category: str = Category.TRANSACTIONAL) -> OutboxMessage:  # type: ignore[no-untyped-def]
    row = notify_rendered(
        event="test.event", dedup_key=f"test:{n}", category=category, to_email=user.email,
        subject=f"Subject {n}", text=f"Text {n}", html=f"<p>HTML {n}</p>", recipient=user,
    )  # fmt: skip
    assert row is not None
    return row


def test_a_temporary_failure_is_retried_with_backoff_then_fails_with_the_error(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = queue(UserFactory())
    assert deliver_due() == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert deliver_due() == 0  # not due yet: nothing tried
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1
    for _ in range(2):
        OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        deliver_due()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == 3 and row.last_error


def test_a_permanent_refusal_fails_at_once_and_an_operator_can_retry(smtp, client):
    smtp.collector.reply = "550 No such user here"
    row = queue(UserFactory())
    smtp.deliver()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == 1 and "550" in row.last_error
    smtp.collector.reply = "250 OK"
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    page = client.get(f"/admin/outbox/{row.pk}/")
    assert page.status_code == 200 and "550" in page.content.decode()
    client.post(f"/admin/outbox/{row.pk}/retry/")
    (mail,) = smtp.deliver()
    assert mail["Subject"] == "Subject 0"
    assert OutboxMessage.objects.get(pk=row.pk).status == OutboxStatus.SENT


def test_the_admin_retry_action_queues_failed_messages(client):
    row = queue(UserFactory())
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxStatus.FAILED, attempts=8, last_error="boom")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/notifications/outboxmessage/", {"action": "retry", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0 and not row.last_error


def test_the_mailbox_is_for_staff_only(client):
    row = queue(UserFactory())
    assert client.get("/admin/outbox/").status_code == 302
    client.force_login(UserFactory())
    for url in ("/admin/outbox/", f"/admin/outbox/{row.pk}/", f"/admin/outbox/{row.pk}/html/"):
        assert client.get(url).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    listing = client.get("/admin/outbox/?status=pending")
    assert listing.status_code == 200 and "Subject 0" in listing.content.decode()
    html = client.get(f"/admin/outbox/{row.pk}/html/")
    assert html.status_code == 200 and "sandbox" in html["Content-Security-Policy"]


def test_unsubscribe_page_confirms_then_switches_the_category_off(client):
    user = UserFactory()
    token = unsubscribe_token(user, Category.REVIEW_REQUESTS)
    page = client.get(f"/en/notifications/unsubscribe/{token}/")
    assert page.status_code == 200 and "Review requests" in page.content.decode()
    assert NotificationPreferences.objects.filter(user=user, review_requests=False).count() == 0
    done = client.post(f"/en/notifications/unsubscribe/{token}/")
    assert done.status_code == 200 and "unsubscribed" in done.content.decode()
    assert NotificationPreferences.objects.get(user=user).review_requests is False


def test_a_forged_unsubscribe_token_changes_nothing(client):
    user = UserFactory()
    token = unsubscribe_token(user, Category.REMINDERS)
    response = client.post(f"/en/notifications/unsubscribe/{token[:-3]}xyz/")
    assert response.status_code == 400
    assert not NotificationPreferences.objects.filter(user=user, booking_reminders=False).exists()


def test_transactional_categories_cannot_be_unsubscribed(client):
    from django.core import signing

    from coursemarket.notifications.services import UNSUBSCRIBE_SALT

    user = UserFactory()
    token = signing.dumps({"u": user.pk, "c": Category.TRANSACTIONAL}, salt=UNSUBSCRIBE_SALT, compress=True)
    assert client.post(f"/en/notifications/unsubscribe/{token}/").status_code == 400


@pytest.mark.django_db(transaction=True)
def test_the_workers_outbox_thread_delivers_what_is_due(smtp):
    from coursemarket.notifications.delivery import OutboxSender

    row = queue(UserFactory())
    sender = OutboxSender("test-worker", interval=0.05)
    sender.start()
    try:
        deadline = timezone.now() + timedelta(seconds=20)
        while not smtp.messages and timezone.now() < deadline:
            sender.stopping.wait(0.05)
    finally:
        sender.stop()
        sender.join(timeout=10)
    assert [str(m["Message-ID"]) for m in smtp.messages] == [row.message_id]
    assert OutboxMessage.objects.get(pk=row.pk).status == OutboxStatus.SENT


def test_emails_are_in_the_data_export_and_erased_with_the_account():
    from coursemarket.accounts.privacy import erase_user_data, export_user_data

    user = UserFactory()
    row = queue(user)
    exported = export_user_data(user=user)["emails"]
    assert [e["subject"] for e in exported] == ["Subject 0"]
    email = user.email
    erase_user_data(user=user)
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED and row.to_email != email and not row.text_body
    assert deliver_due() == 0


def test_deploy_check_says_when_email_stays_in_the_development_mailbox(settings):
    from coursemarket.notifications.checks import development_mailbox_in_production

    settings.MAILERS = {"default": {"BACKEND": "coursemarket.notifications.mailbox.EmailBackend"}}
    assert [m.id for m in development_mailbox_in_production()] == ["notifications.I001"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    assert development_mailbox_in_production() == []
