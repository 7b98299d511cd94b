"""Uploading a settlement file: who may, the limits, and storing the batch with its matched lines.

Reconciliation reports and never credits: ``settlement_upload`` reads bills and payments and writes only
``SettlementBatch`` and ``SettlementLine`` rows. A file is identified by its SHA-256: uploading the same bytes
again (even at the same moment from two browsers) returns the first batch and stores nothing new.

Settings (Django settings first, then the environment):

| name | default | what |
| --- | --- | --- |
| ``BALAI_PAYMENTS_SETTLEMENT_MAX_BYTES`` | 10 MiB | largest settlement file accepted |
| ``BALAI_PAYMENTS_SETTLEMENT_MAX_LINES`` | 100000 | most lines in one file |
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connections, router, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.events import publish
from balai.core.exceptions import PermissionDenied
from balai.payments.conf import setting
from balai.payments.models import SettlementBatch, SettlementLine, SettlementOutcome
from balai.payments.services.common import has_revenue_role, revenue_agency
from balai.services.formdefs import clean_original_name

from .matching import MatchedLine, match_settlement
from .parsing import SettlementFileRefused, parse_settlement_file

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_LINES = 100_000
INSERT_BATCH_SIZE = 1000  # rows per INSERT statement (fewer where the database limits parameters)
FILE_NAME_LENGTH = 255  # SettlementBatch.file_name


def _positive_int(name: str, default: int) -> int:
    value = setting(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc
    if number < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1")
    return number


def settlement_max_bytes() -> int:
    return _positive_int("BALAI_PAYMENTS_SETTLEMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def settlement_max_lines() -> int:
    return _positive_int("BALAI_PAYMENTS_SETTLEMENT_MAX_LINES", DEFAULT_MAX_LINES)


def may_reconcile(user: Any) -> bool:
    """Tax officers and heads of the revenue agency (Bapenda, ``BALAI_PAYMENTS_REVENUE_AGENCY``), and platform
    administrators: reconciliation covers every payment of the region, whatever agency billed it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    agency = revenue_agency()
    return has_revenue_role(user, agency.pk if agency is not None else None)


@dataclass(frozen=True)
class UploadOutcome:
    batch: SettlementBatch
    created: bool  # False: the same file was uploaded before; ``batch`` is that first upload


def too_large_error(max_bytes: int) -> SettlementFileRefused:
    return SettlementFileRefused(
        _("The file is larger than %(size)s. Split it into smaller files (for example one per day).")
        % {"size": filesizeformat(max_bytes)},
        code="settlement_too_large",
    )


def settlement_upload(*, actor: Any, file_name: str, data: bytes) -> UploadOutcome:
    """Read, match and store the bank's settlement file ``data`` (uploaded as ``file_name``).

    Raises PermissionDenied (not revenue staff) or SettlementFileRefused (a ValidationFailed: too large, not a
    settlement CSV, bad lines), and stores nothing then; a refusal is audited."""
    if not may_reconcile(actor):
        raise PermissionDenied(_("Only tax officers and heads of the revenue agency can reconcile settlement files."))
    name = clean_original_name(file_name, max_length=FILE_NAME_LENGTH)
    digest = hashlib.sha256(data).hexdigest()
    max_bytes = settlement_max_bytes()
    try:
        if len(data) > max_bytes:
            raise too_large_error(max_bytes)
        existing = SettlementBatch.objects.filter(sha256=digest).first()
        if existing is not None:
            return _repeated(actor, existing, name)
        settlement = parse_settlement_file(data, max_lines=settlement_max_lines())
    except SettlementFileRefused as exc:
        settlement_refusal_recorded(actor=actor, file_name=name, size=len(data), code=exc.code, sha256=digest)
        raise
    try:
        with transaction.atomic():
            matched = match_settlement(settlement)
            counts = Counter(line.outcome for line in matched)
            batch = SettlementBatch(
                file_name=name,
                sha256=digest,
                size=len(data),
                encoding=settlement.encoding,
                delimiter=settlement.delimiter,
                period_start=settlement.first_date,
                period_end=settlement.last_date,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
                line_count=len(settlement.lines),
                matched_count=counts[SettlementOutcome.MATCHED],
                missing_in_platform_count=counts[SettlementOutcome.MISSING_IN_PLATFORM],
                missing_in_bank_count=counts[SettlementOutcome.MISSING_IN_BANK],
                amount_mismatch_count=counts[SettlementOutcome.AMOUNT_MISMATCH],
                duplicate_count=counts[SettlementOutcome.DUPLICATE],
            )
            batch.full_clean(validate_unique=False)  # the unique sha256 is the database's to enforce (races)
            batch.save(force_insert=True)
            _insert_lines(batch, matched)
            summary = _summary(batch)
            audit_log(actor=actor, action="settlement.uploaded", target=batch, summary=summary)
            publish("settlement.uploaded", {"batch_id": batch.pk, **summary})
    except IntegrityError:
        # The same file, uploaded at the same moment by someone else, was stored first.
        existing = SettlementBatch.objects.filter(sha256=digest).first()
        if existing is None:
            raise
        return _repeated(actor, existing, name)
    return UploadOutcome(batch=batch, created=True)


LINE_COLUMNS = ("batch", "line_number", "date", "payment_code", "amount", "reference", "outcome", "payment")


def _insert_lines(batch: SettlementBatch, matched: list[MatchedLine]) -> None:
    """Insert the lines as multi-row INSERT statements: building and saving a model instance per line costs
    minutes for a file of 100,000 lines. The values were checked by the parser or come from the database."""
    connection = connections[router.db_for_write(SettlementLine)]
    fields = [SettlementLine._meta.get_field(name) for name in LINE_COLUMNS]
    quote = connection.ops.quote_name
    max_params = connection.features.max_query_params
    per_statement = (
        INSERT_BATCH_SIZE if max_params is None else max(1, min(INSERT_BATCH_SIZE, max_params // len(fields)))
    )
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    prefix = "INSERT INTO {table} ({columns}) VALUES ".format(  # noqa: S608 - names from the model, values bound
        table=quote(SettlementLine._meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
    )
    adapt_date = connection.ops.adapt_datefield_value
    rows = (
        (
            batch.pk,
            line.line_number,
            adapt_date(line.date),
            line.payment_code,
            line.amount,
            line.reference,
            str(line.outcome),
            line.payment_id,
        )
        for line in matched
    )
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            # psycopg 3: COPY streams the rows, far faster than binding thousands of parameters per statement.
            copy_sql = "COPY {table} ({columns}) FROM STDIN".format(
                table=quote(SettlementLine._meta.db_table), columns=", ".join(quote(f.column) for f in fields)
            )
            with raw.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        while chunk := list(islice(rows, per_statement)):
            sql = prefix + ", ".join([row_placeholder] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


def _repeated(actor: Any, batch: SettlementBatch, name: str) -> UploadOutcome:
    audit_log(
        actor=actor,
        action="settlement.upload_repeated",
        target=batch,
        summary={"file_name": name, "sha256": batch.sha256},
    )
    return UploadOutcome(batch=batch, created=False)


def _summary(batch: SettlementBatch) -> dict[str, Any]:
    return {
        "file_name": batch.file_name,
        "sha256": batch.sha256,
        "period_start": batch.period_start.isoformat() if batch.period_start else None,
        "period_end": batch.period_end.isoformat() if batch.period_end else None,
        "lines": batch.line_count,
        "matched": batch.matched_count,
        "missing_in_platform": batch.missing_in_platform_count,
        "missing_in_bank": batch.missing_in_bank_count,
        "amount_mismatch": batch.amount_mismatch_count,
        "duplicate": batch.duplicate_count,
    }


def settlement_refusal_recorded(*, actor: Any, file_name: str, size: int, code: str, sha256: str = "") -> None:
    """Audit a refused settlement file (also one refused by the page before it was read: too large)."""
    audit_log(
        actor=actor,
        action="settlement.refused",
        object_type=SettlementBatch._meta.label_lower,
        summary={
            "file_name": clean_original_name(file_name, max_length=FILE_NAME_LENGTH) if file_name else "",
            "sha256": sha256,
            "size": size,
            "code": code,
        },
    )


def settlement_export_recorded(*, actor: Any, batch: SettlementBatch, outcome: str, rows: int) -> None:
    """Audit a download of a batch's discrepancies (the CSV leaves the platform)."""
    audit_log(
        actor=actor,
        action="settlement.exported",
        target=batch,
        summary={"file_name": batch.file_name, "outcome": outcome or "all_discrepancies", "rows": rows},
    )
