from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "balai.services"
    label = "services"
    verbose_name = _("Public services")

    def ready(self) -> None:
        from balai.audit.registry import register

        register("service.created", _("Service created"))
        register("service.updated", _("Service changed"))
        register("service.version_created", _("New version of a service's form or workflow"))
        register("service_category.created", _("Service category created"))
        register("service_category.updated", _("Service category changed"))
        register("fee_rule.created", _("Fee rule created"))
        register("fee_rule.updated", _("Fee rule changed"))
