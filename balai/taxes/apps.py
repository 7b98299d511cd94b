from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxesConfig(AppConfig):
    name = "balai.taxes"
    label = "taxes"
    verbose_name = _("Regional taxes and levies")

    def ready(self) -> None:
        from balai.audit.registry import register

        register("tax.config_saved", _("Tax configuration saved"))

        import datetime as dt

        from balai.core.scheduler import register_job

        # Idempotent: the bills of a month are created once, however often it runs.
        register_job(
            "taxes.levy_generate",
            every=dt.timedelta(hours=6),
            command="levy_generate",
            description="Create the month's levy bills of the active subscriptions.",
        )
        register("tax.levy_config_saved", _("Levy configuration saved"))
        register("tax.taxpayer_registered", _("Taxpayer registered"))
        register("tax.taxpayer_updated", _("Taxpayer changed"))
        register("tax.taxpayer_account_linked", _("Account linked to a taxpayer"))
        register("tax.taxpayer_viewed", _("Taxpayer's details viewed"))
        register("tax.object_registered", _("Tax object registered"))
        register("tax.object_changed", _("Tax object changed"))
        register("tax.sppt_issued", _("SPPT issued"))
        register("tax.sppt_generation_requested", _("SPPT generation requested"))
        register("tax.sppt_generation_completed", _("SPPT generation completed"))
        register("tax.sppt_generation_failed", _("SPPT generation failed"))
        register("tax.return_filed", _("Tax return (SPTPD) filed"))
        register("tax.permit_tax_assessed", _("Tax assessed from a permit"))
        register("tax.levy_subscribed", _("Levy subscription started"))
        register("tax.levy_charges_generated", _("Monthly levy charges made"))
        register("tax.liability_paid", _("Tax or levy paid"))
        register("tax.liability_refunded", _("Tax or levy payment refunded"))
        register("tax.report_exported", _("Tax report exported"))
        from balai.taxes import consumers  # noqa: F401  (registers the event consumers)
