from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "balai.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from balai.audit.registry import register

        register("bill.created", _("Bill created"))
        register("bill.cancelled", _("Bill cancelled"))
        register("bill.expired", _("Bills expired"))
        register("bill.paid", _("Bill paid"))
        register("bill.refunded", _("Payment refunded"))
        register("payment.instruction_created", _("Payment instruction created"))
        register("payment.credited", _("Payment credited"))
        register("payment.flagged", _("Payment flagged for the revenue agency"))
        register("payment.callback_rejected", _("Payment callback refused"))
        register("payment.receipt_issued", _("Payment receipt issued"))
        register("payment.report_exported", _("Revenue report exported"))
        from balai.payments.reconciliation import register_reconciliation_actions

        register_reconciliation_actions()

        import datetime as dt

        from balai.core.scheduler import register_job

        register_job(
            "payments.expire_bills",
            every=dt.timedelta(hours=1),
            command="payments_expire_bills",
            description="Mark unpaid bills past their expiry as expired.",
        )
        from balai.payments import (
            consumers,  # noqa: F401  (registers the event consumers)
            providers,  # noqa: F401  (registers the simulator and the gateway)
        )
