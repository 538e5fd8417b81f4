from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "coursemarket.bookings"
    label = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        # Bookings are paid through the payments port: payments calls these
        # handlers with each verdict and never imports bookings.
        from coursemarket.catalog.session_events import SessionFollower, session_followers
        from coursemarket.payments.ports import register_payable
        from coursemarket.schools.notifications import digest_sections

        from . import notifications, selectors
        from .public_sections import register_sections
        from .services.cancellation import session_bookings_cancel
        from .services.checkout import BOOKING_PAYABLE
        from .services.holds import serve_free_seats_with
        from .services.waitlist import waitlist_serve

        register_payable(BOOKING_PAYABLE)
        # Seats given back go to the waitlist first (holds never imports waitlist).
        serve_free_seats_with(waitlist_serve)
        # Sessions live in catalog, below bookings: catalog and scheduling tell
        # their followers when a session changes or is cancelled, and never
        # import bookings.
        session_followers.subscribe(
            SessionFollower(
                changed=notifications.session_changed,
                cancelled=session_bookings_cancel,
                booked_students=selectors.session_booked_students,
            )
        )
        # Schools' daily digest counts new bookings and cancellations.
        digest_sections.register(notifications.booking_digest, order=10)
        register_sections()  # "students taught" on instructor pages
