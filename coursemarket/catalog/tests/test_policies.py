from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from coursemarket.catalog.policies import describe, refund_share

START = datetime(2031, 5, 10, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("policy", "notice", "share"),
    [
        ("flexible", timedelta(hours=25), Decimal("1")),
        ("flexible", timedelta(hours=23), Decimal("0")),
        ("moderate", timedelta(days=8), Decimal("1")),
        ("moderate", timedelta(days=7), Decimal("1")),
        ("moderate", timedelta(days=3), Decimal("0.5")),
        ("moderate", timedelta(hours=47), Decimal("0")),
        ("strict", timedelta(days=15), Decimal("0.5")),
        ("strict", timedelta(days=13), Decimal("0")),
    ],
)
def test_refund_share_follows_the_policy(policy, notice, share):
    assert refund_share(policy, starts_at=START, cancelled_at=START - notice) == share


def test_policies_read_in_plain_words_in_every_language():
    with translation.override("en"):
        assert describe("moderate") == [
            "100% refund if you cancel at least 7 days before the first class.",
            "50% refund if you cancel at least 48 hours before the first class.",
            "No refund if you cancel later than 48 hours before the first class.",
        ]
    with translation.override("de"):
        assert "Tage" in describe("moderate")[0]
