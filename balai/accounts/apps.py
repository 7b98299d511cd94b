from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "balai.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Audit-only receivers of the sign-in signals (see balai/accounts/signals.py); no logic hangs on them.
        from balai.accounts import signals

        signals.connect()
