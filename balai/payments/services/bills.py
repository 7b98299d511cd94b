"""Making, cancelling and expiring bills.

``bill_create`` is the one way any app makes a bill (service fees from the case consumers, tax assessments,
returns and levies from ``balai.taxes``); the amounts are whole rupiah and the pricing parameters are kept on
the bill as they are today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.calendar import CALENDAR_TZ
from balai.core.events import publish
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.organizations.models import Organization
from balai.payments.codes import next_payment_codes
from balai.payments.models import Bill, BillItem, BillKind, BillStatus, InstructionStatus, PaymentInstruction

from .common import bill_payload, is_system, lock_bill, may_bill, settle_expiry

MAX_ITEMS = 100
MAX_AMOUNT = 1_000_000_000_000  # one trillion rupiah per bill: anything above is a typing error
MAX_PERCENT = Decimal(100)
MAX_PENALTY_MONTHS = 120
MAX_REASON_LENGTH = 500
REVENUE_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/")


@dataclass(frozen=True)
class BillItemIn:
    description: str
    amount: int
    revenue_code: str = ""


def _amount_errors(value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [_("Enter the amount as a whole number of rupiah, without dots, commas or decimals.")]
    if value <= 0:
        return [_("The amount must be more than 0 rupiah.")]
    if value > MAX_AMOUNT:
        return [_("The amount is too large.")]
    return []


def _revenue_code(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not code or len(code) > 40 or not set(code) <= REVENUE_CODE_CHARS:
        raise ValueError
    return code


def _percent(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal:
    if isinstance(value, (bool, float)):
        errors[field] = [_("Enter the percentage as a number such as 2 or 2.5.")]
        return Decimal(0)
    try:
        number = Decimal(str(value if value is not None else 0).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter the percentage as a number such as 2 or 2.5.")]
        return Decimal(0)
    if not number.is_finite() or number < 0 or number > MAX_PERCENT or number != number.quantize(Decimal("0.01")):
        errors[field] = [_("The percentage must be from 0 to 100, with at most two decimals.")]
        return Decimal(0)
    return number


def _moment(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> dt.datetime | None:
    """An aware datetime; a date means the end of that day where the regional government is."""
    if value is None:
        if required:
            errors[field] = [_("Enter the date.")]
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            errors[field] = [_("The time must include its time zone.")]
            return None
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=CALENDAR_TZ)
    errors[field] = [_("Enter a valid date.")]
    return None


def _clean_items(items: Any, default_code: str, errors: dict[str, list[str]]) -> list[BillItem]:
    if not isinstance(items, (list, tuple)) or not items:
        errors["items"] = [_("A bill needs at least one item.")]
        return []
    if len(items) > MAX_ITEMS:
        errors["items"] = [_("A bill has at most %(max)d items.") % {"max": MAX_ITEMS}]
        return []
    cleaned: list[BillItem] = []
    for position, item in enumerate(items):
        if isinstance(item, Mapping):
            item = BillItemIn(
                description=item.get("description", ""),
                amount=item.get("amount"),
                revenue_code=item.get("revenue_code", ""),
            )
        if not isinstance(item, BillItemIn):
            errors[f"items.{position}"] = [_("The item has the wrong type.")]
            continue
        description = str(item.description or "").strip()
        if "\x00" in description:
            errors[f"items.{position}.description"] = [_("The text contains a character that is not allowed.")]
        elif not description:
            errors[f"items.{position}.description"] = [_("Describe what the item is for.")]
        elif len(description) > 300:
            errors[f"items.{position}.description"] = [_("The description is too long (at most 300 characters).")]
        amount_errors = _amount_errors(item.amount)
        if amount_errors:
            errors[f"items.{position}.amount"] = amount_errors
        try:
            code = _revenue_code(item.revenue_code) if str(item.revenue_code or "").strip() else default_code
        except ValueError:
            errors[f"items.{position}.revenue_code"] = [_("The revenue code is not valid.")]
            code = default_code
        cleaned.append(
            BillItem(position=position, description=description[:300], amount=item.amount, revenue_code=code)
        )
    return cleaned


def bill_create(
    *,
    actor: Any,
    kind: str,
    organization: Organization,
    revenue_code: str,
    items: Iterable[BillItemIn] | list[Any],
    payer: Any = None,
    payer_name: str,
    due_at: dt.datetime | dt.date,
    case: Any = None,
    reference: str = "",
    penalty_percent_per_month: Decimal | int | str = 0,
    penalty_max_months: int = 0,
    online_discount_percent: Decimal | int | str = 0,
    expires_at: dt.datetime | dt.date | None = None,
) -> Bill:
    """Make a bill with a new payment code. ``actor`` None is the system (event consumers, scheduled jobs).

    Who may: the system; a platform administrator; staff of ``organization`` with a billing role (or of the
    revenue agency); the payer themself for a tax return they file (self assessment).
    Raises PermissionDenied or ValidationFailed (per-field messages; nothing is stored then)."""
    if not is_system(actor) and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    if not isinstance(organization, Organization) or not organization.is_active:
        raise ValidationFailed(fields={"organization": [_("Choose an active agency.")]})
    files_own_return = kind == BillKind.TAX_RETURN and payer is not None and getattr(actor, "pk", None) == payer.pk
    if not files_own_return and not may_bill(actor, organization.pk):
        raise PermissionDenied(_("Only staff of the agency can make its bills."))

    errors: dict[str, list[str]] = {}
    if kind not in BillKind.values:
        errors["kind"] = [_("Unknown kind of bill.")]
    try:
        code = _revenue_code(revenue_code)
    except ValueError:
        errors["revenue_code"] = [_("The revenue code is not valid.")]
        code = ""
    cleaned_items = _clean_items(list(items) if not isinstance(items, (list, tuple)) else items, code, errors)
    total = sum(item.amount for item in cleaned_items if isinstance(item.amount, int))
    if cleaned_items and total > MAX_AMOUNT and "items" not in errors:
        errors["items"] = [_("The amount is too large.")]
    name = str(payer_name or "").strip() or (getattr(payer, "full_name", "") if payer is not None else "")
    if "\x00" in name:
        errors["payer_name"] = [_("The text contains a character that is not allowed.")]
    elif not name:
        errors["payer_name"] = [_("Enter the payer's name.")]
    elif len(name) > 200:
        errors["payer_name"] = [_("The name is too long (at most 200 characters).")]
    if payer is not None and not getattr(payer, "pk", None):
        errors["payer"] = [_("The payer's account does not exist.")]
    reference = str(reference or "").strip()
    if "\x00" in reference:
        errors["reference"] = [_("The text contains a character that is not allowed.")]
    elif len(reference) > 100:
        errors["reference"] = [_("The reference is too long (at most 100 characters).")]
    due = _moment(due_at, "due_at", errors, required=True)
    expiry = _moment(expires_at, "expires_at", errors, required=False)
    now = timezone.now()
    if expiry is not None and expiry <= now:
        errors["expires_at"] = [_("The bill would already be expired: choose a later time.")]
    elif expiry is not None and due is not None and expiry < due:
        errors["expires_at"] = [_("A bill cannot expire before its due date.")]
    penalty_percent = _percent(penalty_percent_per_month, "penalty_percent_per_month", errors)
    discount_percent = _percent(online_discount_percent, "online_discount_percent", errors)
    if isinstance(penalty_max_months, bool) or not isinstance(penalty_max_months, int):
        errors["penalty_max_months"] = [_("Enter a whole number of months.")]
    elif not 0 <= penalty_max_months <= MAX_PENALTY_MONTHS:
        errors["penalty_max_months"] = [
            _("The number of months must be from 0 to %(max)d.") % {"max": MAX_PENALTY_MONTHS}
        ]
    elif penalty_percent > 0 and penalty_max_months == 0:
        errors["penalty_max_months"] = [_("A penalty needs the number of months after which it stops growing.")]
    if errors:
        raise ValidationFailed(fields=errors)

    description = cleaned_items[0].description
    if len(cleaned_items) > 1:
        description = _("%(first)s and %(count)d more items") % {"first": description, "count": len(cleaned_items) - 1}
    with transaction.atomic():
        bill = Bill(
            payment_code=next_payment_codes(1)[0],
            kind=kind,
            payer=payer,
            payer_name=name,
            organization=organization,
            revenue_code=code,
            description=description[:300],
            reference=reference,
            case=case,
            amount=total,
            due_at=due,
            expires_at=expiry,
            penalty_percent_per_month=penalty_percent,
            penalty_max_months=penalty_max_months,
            online_discount_percent=discount_percent,
            created_by=actor if not is_system(actor) else None,
            created_at=now,
            updated_at=now,
        )
        try:
            bill.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationFailed(fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
        bill.save(force_insert=True)
        for item in cleaned_items:
            item.bill = bill
        BillItem.objects.bulk_create(cleaned_items)
        audit_log(
            actor=actor,
            action="bill.created",
            target=bill,
            actor_label="system" if is_system(actor) else "",
            summary={
                "payment_code": bill.payment_code,
                "kind": kind,
                "amount": total,
                "revenue_code": code,
                "organization": organization.code,
                "reference": reference,
                "case": getattr(case, "number", None),
            },
        )
        publish("bill.created", bill_payload(bill))
    return bill


def bill_cancel(*, actor: Any, bill: Bill, reason: str) -> Bill:
    """Cancel an unpaid (or expired) bill: it can no longer be paid and its instructions stop working.

    Raises PermissionDenied, ValidationFailed (no reason) or Conflict (paid, refunded or already cancelled)."""
    reason = str(reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Write why the bill is cancelled.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            fields={"reason": [_("The reason is too long (at most %(max)d characters).") % {"max": MAX_REASON_LENGTH}]}
        )
    with transaction.atomic():
        locked = lock_bill(bill)
        if not may_bill(actor, locked.organization_id):
            raise PermissionDenied(_("Only staff of the agency can cancel its bills."))
        settle_expiry(locked)
        if locked.status not in (BillStatus.UNPAID, BillStatus.EXPIRED):
            raise Conflict(
                _("This bill cannot be cancelled: it is %(status)s.") % {"status": locked.get_status_display().lower()},
                code="bill_not_cancellable",
            )
        now = timezone.now()
        locked.status = BillStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancellation_reason = reason
        locked.updated_at = now
        locked.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
        PaymentInstruction.objects.filter(bill=locked, status=InstructionStatus.ACTIVE).update(
            status=InstructionStatus.SUPERSEDED
        )
        audit_log(
            actor=actor,
            action="bill.cancelled",
            target=locked,
            actor_label="system" if is_system(actor) else "",
            summary={"payment_code": locked.payment_code, "reason": reason},
        )
        publish("bill.cancelled", bill_payload(locked, reason=reason))
    return locked


def bills_expire(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Mark every unpaid bill whose time ran out as expired (the scheduled job; the services also do it for the
    one bill they touch). Returns how many changed."""
    moment = now or timezone.now()
    changed = 0
    while True:
        with transaction.atomic():
            ids = list(
                Bill.objects.select_for_update(skip_locked=True)
                .filter(status=BillStatus.UNPAID, expires_at__isnull=False, expires_at__lte=moment)
                .order_by("expires_at", "id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                break
            Bill.objects.filter(id__in=ids).update(status=BillStatus.EXPIRED, updated_at=moment)
            PaymentInstruction.objects.filter(bill_id__in=ids, status=InstructionStatus.ACTIVE).update(
                status=InstructionStatus.EXPIRED
            )
            audit_log(actor=None, action="bill.expired", actor_label="system", summary={"count": len(ids)})
            changed += len(ids)
    return changed
