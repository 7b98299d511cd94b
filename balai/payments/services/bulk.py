"""Many bills at once: ``bills_create_bulk`` for the yearly PBB-P2 SPPT run of the taxes app (hundreds of
thousands of one-item bills of one kind, agency and revenue code with the same pricing).

The shared parameters are checked once exactly as ``bill_create`` checks them, each row cheaply; payment codes
come in one call of ``next_payment_codes``; on PostgreSQL the ids come in one call of the table's sequence and
bills and items are written with COPY, elsewhere with ``bulk_create``. One audit event records the batch (count,
total, first and last payment code); no ``bill.created`` event is published per bill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.models import User
from balai.audit.services import audit_log
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.organizations.models import Organization
from balai.payments.codes import next_payment_codes
from balai.payments.models import Bill, BillItem, BillKind, BillStatus

from .bills import MAX_AMOUNT, MAX_PENALTY_MONTHS, _percent, _revenue_code
from .common import is_system, may_bill

MAX_BULK = 50_000  # per call; the caller batches


@dataclass(frozen=True)
class BulkBillIn:
    payer_id: int | None
    payer_name: str
    description: str
    amount: int
    due_at: dt.datetime
    reference: str = ""
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class BulkBill:
    pk: int
    payment_code: str


def _row_errors(index: int, row: Any, now: dt.datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    where = f"bills.{index}"
    if not isinstance(row, BulkBillIn):
        return {where: [_("The item has the wrong type.")]}
    if isinstance(row.amount, bool) or not isinstance(row.amount, int) or row.amount <= 0:
        errors[f"{where}.amount"] = [_("The amount must be more than 0 rupiah.")]
    elif row.amount > MAX_AMOUNT:
        errors[f"{where}.amount"] = [_("The amount is too large.")]
    for name, text, limit in (("payer_name", row.payer_name, 200), ("description", row.description, 300)):
        value = str(text or "")
        if not value.strip() or len(value) > limit or "\x00" in value:
            errors[f"{where}.{name}"] = [
                _("The text is missing, too long or contains a character that is not allowed.")
            ]
    reference = str(row.reference or "")
    if len(reference) > 100 or "\x00" in reference:
        errors[f"{where}.reference"] = [_("The reference is too long (at most 100 characters).")]
    if not isinstance(row.due_at, dt.datetime) or timezone.is_naive(row.due_at):
        errors[f"{where}.due_at"] = [_("The time must include its time zone.")]
    if row.expires_at is not None and (
        not isinstance(row.expires_at, dt.datetime)
        or timezone.is_naive(row.expires_at)
        or row.expires_at <= now
        or (isinstance(row.due_at, dt.datetime) and row.expires_at < row.due_at)
    ):
        errors[f"{where}.expires_at"] = [_("A bill cannot expire before its due date.")]
    return errors


def _insert(model: type[Any], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY ``rows`` into ``model``'s table (PostgreSQL; the values are adapted by psycopg)."""
    meta = model._meta
    names = [meta.get_field(c[:-3] if c.endswith("_id") and c != "id" else c).column for c in columns]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def bills_create_bulk(
    *,
    actor: Any,
    kind: str,
    organization: Organization,
    revenue_code: str,
    bills: Sequence[BulkBillIn],
    penalty_percent_per_month: Any = 0,
    penalty_max_months: int = 0,
    online_discount_percent: Any = 0,
) -> list[BulkBill]:
    """Make one one-item bill per row of ``bills`` (at most ``MAX_BULK`` per call), in the order given, and return
    their ids and payment codes. Who may: as ``bill_create`` (the system, platform administrators, billing staff
    of ``organization``). Raises PermissionDenied or ValidationFailed (nothing is stored then)."""
    if not is_system(actor) and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    if not isinstance(organization, Organization) or not organization.is_active:
        raise ValidationFailed(fields={"organization": [_("Choose an active agency.")]})
    if not may_bill(actor, organization.pk):
        raise PermissionDenied(_("Only staff of the agency can make its bills."))
    rows = list(bills)
    if not rows:
        return []
    errors: dict[str, list[str]] = {}
    if len(rows) > MAX_BULK:
        errors["bills"] = [_("A bill has at most %(max)d items.") % {"max": MAX_BULK}]
    if kind not in BillKind.values:
        errors["kind"] = [_("Unknown kind of bill.")]
    try:
        code = _revenue_code(revenue_code)
    except ValueError:
        errors["revenue_code"] = [_("The revenue code is not valid.")]
        code = ""
    penalty = _percent(penalty_percent_per_month, "penalty_percent_per_month", errors)
    discount = _percent(online_discount_percent, "online_discount_percent", errors)
    if isinstance(penalty_max_months, bool) or not isinstance(penalty_max_months, int):
        errors["penalty_max_months"] = [_("Enter a whole number of months.")]
    elif not 0 <= penalty_max_months <= MAX_PENALTY_MONTHS:
        errors["penalty_max_months"] = [
            _("The number of months must be from 0 to %(max)d.") % {"max": MAX_PENALTY_MONTHS}
        ]
    elif penalty > 0 and penalty_max_months == 0:
        errors["penalty_max_months"] = [_("A penalty needs the number of months after which it stops growing.")]
    now = timezone.now()
    for index, row in enumerate(rows):
        errors.update(_row_errors(index, row, now))
        if len(errors) > 20:  # enough to show what is wrong without listing a whole batch
            break
    if not errors:
        payer_ids = {row.payer_id for row in rows if row.payer_id is not None}
        known = set(User.objects.filter(pk__in=payer_ids).values_list("pk", flat=True)) if payer_ids else set()
        for index, row in enumerate(rows):
            if row.payer_id is not None and row.payer_id not in known:
                errors[f"bills.{index}.payer_id"] = [_("The payer's account does not exist.")]
                break
    if errors:
        raise ValidationFailed(fields=errors)

    creator = None if is_system(actor) else actor.pk
    with transaction.atomic():
        codes = next_payment_codes(len(rows))
        values = [
            {
                "payment_code": payment_code,
                "kind": BillKind(kind).value,
                "status": BillStatus.UNPAID.value,
                "payer_id": row.payer_id,
                "payer_name": row.payer_name.strip(),
                "organization_id": organization.pk,
                "revenue_code": code,
                "description": row.description.strip(),
                "reference": str(row.reference or "").strip(),
                "amount": row.amount,
                "due_at": row.due_at,
                "expires_at": row.expires_at,
                "penalty_percent_per_month": penalty,
                "penalty_max_months": penalty_max_months,
                "online_discount_percent": discount,
                "paid_amount": 0,
                "refunded_amount": 0,
                "cancellation_reason": "",
                "created_by_id": creator,
                "created_at": now,
                "updated_at": now,
            }
            for payment_code, row in zip(codes, rows, strict=True)
        ]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Bill._meta.db_table, len(rows)],
                )
                ids = sorted(row[0] for row in cursor.fetchall())
            columns = ["id", *values[0]]
            _insert(Bill, columns, [(pk, *value.values()) for pk, value in zip(ids, values, strict=True)])
            _insert(
                BillItem,
                ["bill_id", "position", "description", "amount", "revenue_code"],
                [(pk, 0, value["description"], value["amount"], code) for pk, value in zip(ids, values, strict=True)],
            )
        else:
            created = Bill.objects.bulk_create([Bill(**value) for value in values], batch_size=500)
            ids = [bill.pk for bill in created]
            BillItem.objects.bulk_create(
                [
                    BillItem(
                        bill_id=pk,
                        position=0,
                        description=value["description"],
                        amount=value["amount"],
                        revenue_code=code,
                    )
                    for pk, value in zip(ids, values, strict=True)
                ],
                batch_size=500,
            )
        audit_log(
            actor=actor,
            action="bill.created",
            actor_label="system" if is_system(actor) else "",
            object_type=Bill._meta.label_lower,
            summary={
                "count": len(rows),
                "kind": kind,
                "revenue_code": code,
                "organization": organization.code,
                "total": sum(row.amount for row in rows),
                "first": codes[0],
                "last": codes[-1],
            },
        )
    return [BulkBill(pk, payment_code) for pk, payment_code in zip(ids, codes, strict=True)]
