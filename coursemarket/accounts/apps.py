from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coursemarket.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from coursemarket.notifications.preferences import PreferenceStore, register_preference_store

        from . import checks  # noqa: F401 - registers the deploy check on shared security state
        from .selectors import notification_wanted, push_wanted, quiet_hours
        from .services import notification_switch_off

        # The outbox honours the switches kept with the account; notifications
        # sits below accounts and never imports it.
        register_preference_store(
            PreferenceStore(
                wants=notification_wanted,
                switch_off=notification_switch_off,
                wants_push=push_wanted,
                quiet_hours=quiet_hours,
            )
        )
