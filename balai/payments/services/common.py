"""What the payments services share: who may do what, locking a bill, the lazy expiry, and event payloads."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from balai.audit.services import audit_log
from balai.core.exceptions import NotFound
from balai.organizations.models import Organization, Role
from balai.organizations.scoping import is_platform_admin, roles_in
from balai.payments.conf import revenue_agency_code
from balai.payments.models import Bill, BillStatus, InstructionStatus, PaymentInstruction

# Staff who may make and cancel bills of their agency.
BILLING_ROLES = frozenset({Role.TAX_OFFICER, Role.HEAD, Role.ADMINISTRATOR, Role.VERIFIER, Role.APPROVER})
# Staff who answer for revenue: refunds, the revenue report, flagged payments.
REVENUE_ROLES = frozenset({Role.TAX_OFFICER, Role.HEAD})


def is_system(actor: Any) -> bool:
    return actor is None


def revenue_agency() -> Organization | None:
    return Organization.objects.filter(code=revenue_agency_code()).first()


def _roles(actor: Any, organization_id: int | None) -> set[str]:
    return roles_in(actor, organization_id) if organization_id else set()


def has_revenue_role(actor: Any, organization_id: int | None) -> bool:
    """Tax officer or head of ``organization_id`` (or of an agency above it), or of the revenue agency (Bapenda
    answers for every rupiah of the region), or a platform administrator."""
    if is_platform_admin(actor):
        return True
    if _roles(actor, organization_id) & REVENUE_ROLES:
        return True
    agency = revenue_agency()
    return agency is not None and bool(_roles(actor, agency.pk) & REVENUE_ROLES)


def may_bill(actor: Any, organization_id: int) -> bool:
    if actor is None or is_platform_admin(actor):
        return True
    return bool(_roles(actor, organization_id) & BILLING_ROLES) or has_revenue_role(actor, organization_id)


def may_refund(actor: Any, bill: Bill) -> bool:
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and has_revenue_role(actor, bill.organization_id)
    )


def lock_bill(bill: Bill | int) -> Bill:
    """The bill's row, locked until the transaction ends (no joins in the locking query)."""
    pk = bill if isinstance(bill, int) else bill.pk
    locked = Bill.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound()
    return locked


def settle_expiry(locked: Bill, *, now: Any = None) -> Bill:
    """Record the expiry of a locked unpaid bill whose time ran out (the expiry job may not have run yet)."""
    moment = now or timezone.now()
    if locked.status == BillStatus.UNPAID and locked.expires_at is not None and locked.expires_at <= moment:
        locked.status = BillStatus.EXPIRED
        locked.updated_at = moment
        locked.save(update_fields=["status", "updated_at"])
        PaymentInstruction.objects.filter(bill=locked, status=InstructionStatus.ACTIVE).update(
            status=InstructionStatus.EXPIRED
        )
    return locked


def bill_payload(bill: Bill, **extra: Any) -> dict[str, Any]:
    return {
        "bill_id": bill.pk,
        "payment_code": bill.payment_code,
        "kind": bill.kind,
        "status": bill.status,
        "organization_id": bill.organization_id,
        "payer_id": bill.payer_id,
        "case_id": bill.case_id,
        "reference": bill.reference,
        "revenue_code": bill.revenue_code,
        "amount": bill.amount,
        **extra,
    }


class AuditBatch:
    """Audit events kept for the end of a transaction's work. Writing one takes the audit chain's lock until the
    commit, so the busiest paths (crediting) write theirs last, after everything slow, to hold it briefly."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def add(self, **event: Any) -> None:
        self.events.append(event)

    def write(self) -> None:
        for event in self.events:
            audit_log(**event)
        self.events.clear()
