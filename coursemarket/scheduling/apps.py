from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "coursemarket.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        # Sessions and meetings live in catalog, below scheduling: catalog's
        # session writes have their meetings checked for clashes and report the
        # meetings that moved (a calendar counts each meeting's revisions)
        # through this keeper, and never import scheduling.
        from coursemarket.catalog.session_events import ScheduleKeeper, schedule_keepers

        from .conflicts import schedule_check
        from .services import revisions_bump

        schedule_keepers.subscribe(ScheduleKeeper(check=schedule_check, meetings_moved=revisions_bump))
