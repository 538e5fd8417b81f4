from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompareConfig(AppConfig):
    name = "coursemarket.compare"
    label = "compare"
    verbose_name = _("Course comparison")
