"""One booking, one charge: "Pay" pressed in several tabs at once (each tab
has its own pay key and card token) must take the money exactly once at the
provider — not charge twice and refund the extra. Tabs are released together
and then spread over a few hundred milliseconds, so some arrive while another
is talking to the provider and some just after it paid."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from coursemarket.bookings.models import BookingState
from coursemarket.payments.models import Payment, PaymentState
from coursemarket.payments.providers.stripe import client

from .test_stripe import VISA, card, held

TABS = 5
ROUNDS = 8
SPREAD_SECONDS = 0.3


def _pay_in_tabs(booking, tabs: int, spread: random.Random) -> list[int]:
    """POST the pay form from `tabs` threads released together, each after a
    delay drawn from `spread` (the first without); the HTTP statuses."""
    tokens = [card(VISA) for _ in range(tabs)]
    delays = [0.0] + [spread.uniform(0, SPREAD_SECONDS) for _ in range(tabs - 1)]
    barrier = threading.Barrier(tabs)
    statuses: list[int] = []
    lock = threading.Lock()
    url = reverse("bookings:pay", kwargs={"reference": booking.reference})

    def tab(index: int) -> None:
        browser = Client()
        browser.force_login(booking.student)
        barrier.wait()
        time.sleep(delays[index])
        try:
            response = browser.post(
                url,
                {"provider": "stripe", "terms": "on", "pay_key": f"tab-{index}", "payment_method": tokens[index]},
                headers={"accept": "application/json"},
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _succeeded_intents() -> list[str]:
    intents = client().v1.payment_intents.list(params={"limit": 100})
    return [intent.id for intent in intents.data if intent.status == "succeeded"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pay_pressed_in_several_tabs_at_once_charges_the_card_exactly_once(localstripe):
    spread = random.Random(20261207)
    for round_ in range(ROUNDS):
        client().v1.payment_intents.list()  # warm the SDK's connection for this thread
        booking = held(key=f"hold-{round_}")
        statuses = _pay_in_tabs(booking, TABS, spread)
        assert len(statuses) == TABS and 500 not in statuses, statuses
        booking.refresh_from_db()
        assert booking.state == BookingState.CONFIRMED, statuses
        succeeded = [p for p in Payment.objects.filter(payable_id=booking.pk) if p.state == PaymentState.SUCCEEDED]
        assert len(succeeded) == 1, f"round {round_}: {len(succeeded)} payments succeeded"
        assert len(_succeeded_intents()) == round_ + 1, f"round {round_}: the card was charged more than once"
        assert not client().v1.refunds.list(params={"limit": 100}).data, "a second charge had to be refunded"
