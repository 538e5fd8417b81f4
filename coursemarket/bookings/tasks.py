from django.tasks import task

from .services.holds import expire_due_holds
from .services.reminders import booking_reminders_send
from .services.waitlist import expire_due_offers, waitlist_close_due


@task
def expire_holds() -> int:
    """Release the seats of holds whose time ran out (idempotent)."""
    return expire_due_holds()


@task
def expire_waitlist_offers() -> int:
    """Expire unanswered waitlist offers (their seats go to the next in line),
    and close the waitlists of sessions whose bookings have closed (idempotent)."""
    return expire_due_offers() + waitlist_close_due()


@task
def send_booking_reminders() -> int:
    """Remind students the day before their first meeting (idempotent)."""
    return booking_reminders_send()
