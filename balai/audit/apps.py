from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "balai.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from balai.audit.actions import register_foundation_actions

        register_foundation_actions()
