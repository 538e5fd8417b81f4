from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "coursemarket.schools"
    label = "schools"
    verbose_name = _("Schools")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the page sections' template check
