"""Web Push through the outbox: the signed, encrypted request pywebpush makes
(checked against a local push-service stand-in), a subscription removed on
410, quiet hours holding a push, switches, retries and the subscribe view."""

from __future__ import annotations

import base64
import json
import os
import zoneinfo
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coursemarket.accounts.models import NotificationPreferences
from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.bookings.tests.after_purchase import confirmed_free, school_world
from coursemarket.notifications.checks import vapid_keys_missing
from coursemarket.notifications.delivery import deliver_all
from coursemarket.notifications.models import Channel, OutboxMessage, OutboxStatus, PushKind, PushSubscription
from coursemarket.notifications.push import quiet_until
from coursemarket.notifications.services import notify_push
from coursemarket.notifications.testing import PushService
from coursemarket.notifications.vapid import vapid_keys_generate

pytestmark = pytest.mark.django_db


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser keeps for its subscription: its ECDH key pair and auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = _b64(point)

    def subscribe(self, user, endpoint: str) -> PushSubscription:  # type: ignore[no-untyped-def]
        return PushSubscription.objects.create(user=user, endpoint=endpoint, p256dh=self.p256dh, auth=_b64(self.auth))

    def decrypt(self, body: bytes) -> dict:  # type: ignore[type-arg]
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def vapid(settings):  # type: ignore[no-untyped-def]
    public, private = vapid_keys_generate()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, private
    settings.VAPID_SUBJECT = "mailto:ops@coursemarket.test"
    settings.PUSH_TTL_SECONDS = 3600
    return public


@pytest.fixture
def push_service():  # type: ignore[no-untyped-def]
    with PushService() as service:
        yield service


def _verify_vapid(authorization: str, public_key: str, audience: str) -> dict:  # type: ignore[type-arg]
    """RFC 8292: `vapid t=<JWT signed ES256>, k=<public key>`."""
    assert authorization.startswith("vapid ")
    parts = dict(item.strip().split("=", 1) for item in authorization[len("vapid ") :].split(","))
    assert parts["k"] == public_key
    header, claims, signature = parts["t"].split(".")
    assert json.loads(_unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = _unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(public_key))
    try:
        key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:  # pragma: no cover - the assertion below says it
        pytest.fail("the VAPID JWT's signature does not verify with the public key")
    data = json.loads(_unb64(claims))
    assert data["aud"] == audience
    return data


def test_a_booking_confirmation_is_pushed_signed_and_encrypted(vapid, push_service):
    w = school_world(price=Decimal("0.00"))
    browser = Browser()
    subscription = browser.subscribe(w.student, push_service.url + "/push/abc")
    booking = confirmed_free(w.student, w.session)
    row = OutboxMessage.objects.get(channel=Channel.PUSH, dedup_key=f"push:booking-confirmed:{booking.pk}")
    assert row.status == OutboxStatus.PENDING and row.event == "bookings.confirmed"

    deliver_all(worker_id="test")

    [request] = push_service.requests
    assert request["path"] == "/push/abc"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["ttl"] == "3600"
    assert headers["content-encoding"] == "aes128gcm"
    claims = _verify_vapid(headers["authorization"], vapid, push_service.url)
    assert claims["sub"] == "mailto:ops@coursemarket.test"
    assert datetime.now(UTC).timestamp() < claims["exp"] <= datetime.now(UTC).timestamp() + 24 * 3600
    assert b"Conversational" not in request["body"] and b"title" not in request["body"]  # encrypted
    payload = browser.decrypt(request["body"])
    assert payload["tag"] == "bookings.confirmed" and payload["id"] == str(row.uid)
    assert booking.reference in payload["url"] and payload["url"].startswith("http")
    assert payload["title"] and payload["body"]
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1
    subscription.refresh_from_db()
    assert subscription.last_sent_at is not None

    # The same event again (the dedup key): no second push.
    assert notify_push(
        event="bookings.confirmed", dedup_key=f"booking-confirmed:{booking.pk}", category=row.category,
        template=row.template, context={"booking": booking}, recipient=w.student, kind=PushKind.BOOKING_CONFIRMED,
    ) is None  # fmt: skip


def _push_row(user, booking, key: str = "x") -> OutboxMessage:  # type: ignore[no-untyped-def]
    row = notify_push(
        event="bookings.confirmed", dedup_key=f"test:{key}", category="transactional",
        template="bookings/email/booking_confirmed", context={"booking": booking, "url_name": ""},
        builder="coursemarket.bookings.notifications.build_context", recipient=user,
        kind=PushKind.BOOKING_CONFIRMED,
    )  # fmt: skip
    assert row is not None
    return row


def test_a_410_removes_the_subscription(vapid, push_service):
    w = school_world(price=Decimal("0.00"))
    booking = confirmed_free(w.student, w.session)
    gone, alive = Browser(), Browser()
    gone.subscribe(w.student, push_service.url + "/gone")
    alive.subscribe(w.student, push_service.url + "/alive")
    OutboxMessage.objects.filter(channel=Channel.PUSH).delete()
    row = _push_row(w.student, booking)
    push_service.status = 410
    deliver_all(worker_id="test")
    assert len(push_service.requests) == 2
    assert not PushSubscription.objects.filter(user=w.student).exists()  # both answered 410 here
    row.refresh_from_db()
    assert row.status == OutboxStatus.SKIPPED and "no browser" in row.last_error


def test_a_temporary_failure_is_retried_and_reached_browsers_are_not_pushed_twice(vapid, push_service, settings):
    w = school_world(price=Decimal("0.00"))
    booking = confirmed_free(w.student, w.session)
    Browser().subscribe(w.student, push_service.url + "/one")
    OutboxMessage.objects.filter(channel=Channel.PUSH).delete()
    row = _push_row(w.student, booking)
    push_service.status = 503
    deliver_all(worker_id="test")
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "503" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert PushSubscription.objects.filter(user=w.student).count() == 1  # kept: not gone
    push_service.status = 201
    OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliver_all(worker_id="test")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 2


def test_quiet_hours_hold_a_push_until_they_end(vapid, push_service):
    w = school_world(price=Decimal("0.00"))
    booking = confirmed_free(w.student, w.session)
    w.student.timezone = "Asia/Tokyo"
    w.student.save(update_fields=["timezone"])
    Browser().subscribe(w.student, push_service.url + "/q")
    OutboxMessage.objects.filter(channel=Channel.PUSH).delete()
    local = timezone.now().replace(microsecond=0).astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    start = (local - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    NotificationPreferences.objects.update_or_create(
        user=w.student, defaults={"quiet_hours_start": start, "quiet_hours_end": end}
    )
    row = _push_row(w.student, booking)
    deliver_all(worker_id="test")
    row.refresh_from_db()
    assert push_service.requests == []
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    expected = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if expected < local:
        expected += timedelta(days=1)
    assert row.next_attempt_at == expected


@pytest.mark.parametrize(
    ("clock", "start", "end", "until"),
    [
        ("23:30", "22:00", "07:00", "2031-01-14 07:00"),  # across midnight, before it
        ("06:59", "22:00", "07:00", "2031-01-13 07:00"),  # across midnight, after it
        ("07:00", "22:00", "07:00", None),  # the end itself is not quiet
        ("13:00", "12:00", "14:00", "2031-01-13 14:00"),
        ("11:00", "12:00", "14:00", None),
    ],
)
def test_quiet_until(clock, start, end, until):
    zone = zoneinfo.ZoneInfo("Europe/Madrid")
    now = datetime.fromisoformat(f"2031-01-13 {clock}").replace(tzinfo=zone)
    got = quiet_until(start=time.fromisoformat(start), end=time.fromisoformat(end), tz="Europe/Madrid", now=now)
    assert got == (datetime.fromisoformat(until).replace(tzinfo=zone) if until else None)


def test_switched_off_or_unsubscribed_pushes_are_skipped(vapid):
    w = school_world(price=Decimal("0.00"))
    booking = confirmed_free(w.student, w.session)  # no browser subscribed: no push row
    assert not OutboxMessage.objects.filter(channel=Channel.PUSH).exists()
    Browser().subscribe(w.student, "https://push.example.test/x")
    NotificationPreferences.objects.update_or_create(user=w.student, defaults={"push_booking_confirmed": False})
    assert notify_push(
        event="bookings.confirmed", dedup_key="test:off", category="transactional",
        template="bookings/email/booking_confirmed", context={"booking": booking}, recipient=w.student,
        kind=PushKind.BOOKING_CONFIRMED,
    ) is None  # fmt: skip
    reminder = notify_push(
        event="bookings.reminder", dedup_key="test:reminder", category="reminders",
        template="bookings/email/booking_confirmed", context={"booking": booking}, recipient=w.student,
        kind=PushKind.REMINDERS,
    )  # fmt: skip
    assert reminder is not None and reminder.status == OutboxStatus.PENDING  # another kind, still on


def test_subscribe_view(client):
    user = UserFactory()
    url = reverse("notifications:push_subscribe")
    assert client.post(url, "{}", content_type="application/json").status_code == 302  # sign-in first
    client.force_login(user)
    browser = Browser()
    body = {"endpoint": "https://push.example.test/abc", "keys": {"p256dh": browser.p256dh, "auth": _b64(browser.auth)}}
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 200
    assert PushSubscription.objects.get(user=user).endpoint == body["endpoint"]
    bad = {**body, "endpoint": "http://127.0.0.1:9/x"}  # only https push services
    assert client.post(url, json.dumps(bad), content_type="application/json").status_code == 400
    short = {**body, "keys": {"p256dh": "abc", "auth": "def"}}
    assert client.post(url, json.dumps(short), content_type="application/json").status_code == 400
    off = reverse("notifications:push_unsubscribe")
    response = client.post(off, json.dumps({"endpoint": body["endpoint"]}), content_type="application/json")
    assert response.status_code == 200
    assert not PushSubscription.objects.exists()


def test_generate_vapid_keys_and_the_deploy_check(settings, capsys):
    call_command("generate_vapid_keys")
    out = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    assert len(_unb64(out["VAPID_PUBLIC_KEY"])) == 65 and len(_unb64(out["VAPID_PRIVATE_KEY"])) == 32
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    assert [m.id for m in vapid_keys_missing()] == ["notifications.W001"]
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = out["VAPID_PUBLIC_KEY"], out["VAPID_PRIVATE_KEY"]
    assert vapid_keys_missing() == []


def test_make_run_writes_a_key_pair_once_and_never_replaces_it(tmp_path, capsys):
    target = tmp_path / "vapid.env"
    call_command("generate_vapid_keys", env_file=str(target))
    first = target.read_text()
    keys = dict(line.split("=", 1) for line in first.split())
    assert len(_unb64(keys["VAPID_PUBLIC_KEY"])) == 65 and oct(target.stat().st_mode)[-3:] == "600"
    call_command("generate_vapid_keys", env_file=str(target))  # a second `make run`
    assert target.read_text() == first and "keeping its keys" in capsys.readouterr().out


def test_push_switches_and_quiet_hours_on_the_settings_page(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:notifications")
    page = client.get(url).content.decode()
    assert "data-push-switch" in page and 'name="push_reminders"' in page and 'name="quiet_hours_start"' in page
    half = client.post(url, {"push_reminders": "on", "quiet_hours_start": "22:00"})
    assert half.status_code == 400 and "quiet hours" in half.content.decode()
    assert not NotificationPreferences.objects.filter(user=user, quiet_hours_start__isnull=False).exists()
    response = client.post(url, {"push_reminders": "on", "quiet_hours_start": "22:00", "quiet_hours_end": "07:00"})
    assert response.status_code == 302
    prefs = NotificationPreferences.objects.get(user=user)
    assert (prefs.quiet_hours_start, prefs.quiet_hours_end) == (time(22, 0), time(7, 0))
    assert prefs.push_reminders and not prefs.push_booking_confirmed  # unticked switches are off


def test_push_subscriptions_are_exported_and_erased_with_the_account():
    from coursemarket.accounts.privacy import export_user_data
    from coursemarket.notifications.privacy import erase_user_data

    user = UserFactory()
    Browser().subscribe(user, "https://push.example.test/mine")
    assert [s["endpoint"] for s in export_user_data(user=user)["push_subscriptions"]] == [
        "https://push.example.test/mine"
    ]
    erase_user_data(user=user)
    assert not PushSubscription.objects.filter(user=user).exists()


def test_an_event_without_push_text_fails_loudly_when_queued():
    """Every pushed event has its own `<template>_push.txt`; one without it is
    an error where it is queued (in its own tests), never a silent push with
    the title alone."""
    w = school_world(price=Decimal("0.00"))
    booking = confirmed_free(w.student, w.session)
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        notify_push(
            event="bookings.hold_expired", dedup_key="t:no-push-text", category="transactional",
            template="bookings/email/hold_expired", context={"booking": booking}, recipient=w.student,
            kind=PushKind.BOOKING_CONFIRMED,
        )  # fmt: skip


@pytest.mark.parametrize(
    "template",
    [
        "bookings/email/booking_confirmed", "bookings/email/booking_cancelled", "bookings/email/session_cancelled",
        "bookings/email/reminder", "bookings/email/reminder_soon", "bookings/email/session_changed",
        "bookings/email/waitlist_offer",
    ],
)  # fmt: skip
def test_each_booking_push_has_its_own_body(vapid, push_service, template):
    w = school_world(price=Decimal("0.00"))
    browser = Browser()
    browser.subscribe(w.student, push_service.url + "/push/each")
    booking = confirmed_free(w.student, w.session)
    OutboxMessage.objects.filter(channel=Channel.PUSH).delete()
    meeting = w.session.meetings.first()
    notify_push(
        event="test", dedup_key=f"t:{template}", category="transactional", template=template,
        context={"booking": booking, "url_name": "", "first_meeting": meeting},
        builder="coursemarket.bookings.notifications.build_context", recipient=w.student,
        kind=PushKind.BOOKING_CONFIRMED,
    )  # fmt: skip
    deliver_all(worker_id="test")
    [request] = push_service.requests
    payload = browser.decrypt(request["body"])
    assert payload["title"] and payload["body"] and payload["title"] != payload["body"]
    assert "{" not in payload["body"] and "%" not in payload["body"]
