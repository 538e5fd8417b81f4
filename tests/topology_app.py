"""The topology test's steps that need Django, run as a child process with the
topology's own settings (production settings, its PostgreSQL database, Redis,
object storage): `python -m tests.topology_app setup|enqueue|verify ...`.
Each prints one JSON line."""

from __future__ import annotations

import json
import sys

PASSWORD = "topology-password-1"


def setup() -> None:
    from coursemarket.accounts.tests.factories import UserFactory
    from coursemarket.catalog.tests.factories import CourseFactory, make_session
    from coursemarket.schools import services as school_services
    from coursemarket.schools.tests.factories import image_upload, staff

    clients = int(sys.argv[2])
    paid = CourseFactory(price="80.00", title="Topology: paid workshop")
    free = CourseFactory(price=0, title="Topology: free open day", school=paid.school)
    owner = staff(paid.school, email="owner@topology.test", password=PASSWORD).user
    school = school_services.school_update(actor=owner, school=paid.school, data={"logo": image_upload()})
    first = UserFactory(email="student0@topology.test", password=PASSWORD)
    emails = [first.email]
    for n in range(1, clients):
        user = UserFactory(email=f"student{n}@topology.test", password=None)
        user.password = first.password  # one Argon2 hash for all
        user.save(update_fields=["password"])
        emails.append(user.email)
    print(
        json.dumps(
            {
                "sessions": {"card": make_session(paid, capacity=20).pk, "free": make_session(free, capacity=20).pk},
                "course": {"id": paid.pk, "slug": paid.slug},
                "school": {"slug": school.slug, "logo": school.logo.url},
                "owner": owner.email,
                "emails": emails,
            }
        )
    )


def enqueue() -> None:
    from coursemarket.core.tests.tasks_for_tests import touch_file

    folder, count = sys.argv[2], int(sys.argv[3])
    ids = [touch_file.enqueue(f"{folder}/task-{n}.txt", 0.15).id for n in range(count)]
    print(json.dumps({"ids": ids}))


def tasks() -> None:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(id__in=json.loads(sys.argv[2])).values("id", "status", "worker_ids")
    print(json.dumps({str(r["id"]): {"status": r["status"], "workers": r["worker_ids"]} for r in rows}))


def verify() -> None:
    from django.db.models import Count, Q

    from coursemarket.bookings.models import SEAT_TAKING_STATES, Booking, BookingState
    from coursemarket.catalog.models import Session
    from coursemarket.notifications.models import OutboxMessage
    from coursemarket.payments.models import Payment, PaymentState

    out = {}
    for kind, pk in json.loads(sys.argv[2]).items():
        session = Session.objects.get(pk=pk)
        bookings = Booking.objects.filter(session=session)
        confirmed = bookings.filter(state=BookingState.CONFIRMED)
        succeeded = Payment.objects.filter(booking__session=session, state=PaymentState.SUCCEEDED)
        out[kind] = {
            "capacity": session.capacity,
            "seats_taken": session.seats_taken,
            "taking_seats": sum(bookings.filter(state__in=SEAT_TAKING_STATES).values_list("seats", flat=True)),
            "confirmed": confirmed.count(),
            "confirmed_ids": [str(pk) for pk in confirmed.values_list("pk", flat=True)],
            "payments_per_confirmed": list(
                confirmed.annotate(n=Count("payments", filter=Q(payments__state=PaymentState.SUCCEEDED))).values_list(
                    "n", flat=True
                )
            ),
            "provider_ids": list(succeeded.values_list("provider_reference", flat=True)),
        }
    out["outbox"] = [
        {"message_id": m.message_id, "status": m.status, "to": m.to_email, "event": m.event}
        for m in OutboxMessage.objects.all()
    ]
    print(json.dumps(out))


if __name__ == "__main__":
    import django

    django.setup()
    {"setup": setup, "enqueue": enqueue, "tasks": tasks, "verify": verify}[sys.argv[1]]()
