"""Never oversell: 200 concurrent attempts from 4 OS processes at 10 seats."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from coursemarket.accounts.models import User
from coursemarket.bookings.models import Booking, BookingState
from coursemarket.catalog.models import Session
from coursemarket.catalog.tests.factories import CourseFactory, make_session

HAMMER = Path(__file__).with_name("hammer.py")
PROCESSES, PER_PROCESS, THREADS = 4, 50, 10


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
def test_two_hundred_concurrent_attempts_from_four_processes_take_exactly_ten_seats(transactional_db):
    session = make_session(CourseFactory(), capacity=10)
    User.objects.bulk_create(User(email=f"racer{i}@example.com") for i in range(PROCESSES * PER_PROCESS))
    first = User.objects.filter(email__startswith="racer").order_by("pk").first().pk
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "coursemarket.config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("REDIS_URL", None)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(HAMMER),
                str(session.pk),
                str(first + n * PER_PROCESS),
                str(PER_PROCESS),
                str(THREADS),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    totals = [0, 0, 0]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        for i, value in enumerate(out.split()):
            totals[i] += int(value)
    held, refused, errors = totals
    assert errors == 0
    assert held + refused == PROCESSES * PER_PROCESS == 200
    assert held == 10
    session.refresh_from_db()
    assert session.seats_taken == 10 == session.capacity
    assert Booking.objects.filter(session=session, state=BookingState.HELD).count() == 10
    assert Session.objects.get(pk=session.pk).seats_taken == sum(
        b.seats for b in Booking.objects.filter(session=session)
    )
