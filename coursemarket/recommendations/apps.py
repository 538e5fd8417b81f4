from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "coursemarket.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        # Recommendations sits above bookings, reviews and catalog, which never
        # import it: it reads their signals through its own registry and adds
        # its blocks to the course page through catalog's.
        from coursemarket.catalog.course_sections import course_page_sections

        from .sections import course_blocks, save_bar, shared_course_blocks
        from .signals import signal_sources
        from .sources import booking_signals, review_signals, saved_signals

        signal_sources.register("bookings", booking_signals)
        signal_sources.register("reviews", review_signals)
        signal_sources.register("saved", saved_signals)
        course_page_sections.register(save_bar, template="recommendations/includes/save_bar.html", order=5)
        course_page_sections.register(
            course_blocks,
            template="recommendations/includes/course_blocks.html",
            order=10,
            # The same for every visitor: anonymous ones share it (keyed by the page versions and the model).
            shared=shared_course_blocks,
        )
