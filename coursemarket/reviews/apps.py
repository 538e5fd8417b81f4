from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "coursemarket.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        # Reviews sits above bookings, catalog and schools, which never import
        # it: a completed booking asks its student for a review, schools' daily
        # digest counts the new reviews, and a course's structured data for
        # search engines carries its rating.
        from coursemarket.bookings.booking_events import BookingFollower, booking_followers
        from coursemarket.catalog.seo import register_course_json_ld_part
        from coursemarket.schools.notifications import digest_sections

        from .notifications import review_digest, review_request_notify
        from .public_sections import register_sections
        from .seo import rating_json_ld

        booking_followers.subscribe(BookingFollower(completed=review_request_notify))
        digest_sections.register(review_digest, order=20)  # after bookings and cancellations
        register_course_json_ld_part(rating_json_ld)
        register_sections()  # ratings on school and instructor pages
