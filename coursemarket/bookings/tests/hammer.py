"""Run by test_concurrency in separate OS processes: many threads each try to
hold seats on one session at once. Prints one line: "<held> <refused> <errors>"."""

import os
import sys
import threading

import django


def main() -> None:
    session_id, first_student, count, threads = (int(arg) for arg in sys.argv[1:5])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursemarket.config.settings")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connection

    from coursemarket.accounts.models import User
    from coursemarket.bookings.services.holds import HoldRequest, booking_hold

    students = list(User.objects.filter(pk__gte=first_student).order_by("pk")[:count])
    barrier = threading.Barrier(threads)
    results = {"held": 0, "refused": 0, "errors": 0}
    lock = threading.Lock()

    def worker(chunk: list) -> None:
        barrier.wait()
        for student in chunk:
            try:
                booking_hold(
                    student=student,
                    request=HoldRequest(session_id=session_id, seats=1, attendees=[], request_key=f"k-{student.pk}"),
                )
                outcome = "held"
            except ValidationError:
                outcome = "refused"
            except Exception as exc:
                print(f"error: {exc!r}", file=sys.stderr)
                outcome = "errors"
            with lock:
                results[outcome] += 1
        connection.close()

    chunks = [students[i::threads] for i in range(threads)]
    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    print(results["held"], results["refused"], results["errors"])


if __name__ == "__main__":
    main()
