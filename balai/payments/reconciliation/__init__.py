"""Reconciliation of the bank's settlement files against the payments the platform credited.

``parsing`` reads the CSV (pure), ``matching`` compares it with the payments (reads only), ``services``
stores the result (``settlement_upload``; never credits anything), ``selectors`` reads it back for revenue
staff, ``export`` writes the discrepancies as CSV. Audit actions: ``RECONCILIATION_ACTIONS``.
"""

from django.utils.translation import gettext_lazy as _

RECONCILIATION_ACTIONS = {
    "settlement.uploaded": _("Settlement file reconciled"),
    "settlement.upload_repeated": _("Settlement file uploaded again (already reconciled)"),
    "settlement.refused": _("Settlement file refused"),
    "settlement.exported": _("Settlement discrepancies downloaded"),
}


def register_reconciliation_actions() -> None:
    """Give the audit actions of reconciliation their readable names (called from PaymentsConfig.ready)."""
    from balai.audit.registry import register

    for action, label in RECONCILIATION_ACTIONS.items():
        register(action, label)
