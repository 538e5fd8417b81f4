from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "coursemarket.promotions"
    label = "promotions"
    verbose_name = _("Promo codes and referrals")

    def ready(self) -> None:
        # The share button joins the course and school pages through their
        # owners' registries (catalog and schools never import promotions).
        from coursemarket.catalog.course_sections import course_page_sections
        from coursemarket.schools.sections import school_page_sections

        from .sections import course_share, school_share

        course_page_sections.register(course_share, template="promotions/includes/share_bar.html", order=4)
        school_page_sections.register(school_share, template="promotions/includes/share_bar.html", order=1)
