"""A period of a school's (or the platform's) local days, and the two ratios
every analytics page shows: a share in per cent and a change from before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole in per cent to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL)


def change(current: int | Decimal | None, previous: int | Decimal | None) -> Decimal | None:
    """The change from the previous period in per cent; None when it had nothing."""
    if current is None or not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / abs(Decimal(previous))).quantize(ONE_DECIMAL)
