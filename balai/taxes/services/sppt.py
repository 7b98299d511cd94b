"""PBB-P2 SPPT: the yearly official assessment of a tax object, and the bulk generation for a whole year.

Amount = max(minimum tax, rate × (NJOP − NJOPTKP)), computed with ``Decimal`` and rounded half-up to whole rupiah
once, at the end (the taxable value is itself whole rupiah). When NJOP is at or below the NJOPTKP the taxable value
is zero and the minimum tax is due; with no minimum configured such an object gets no SPPT.

The NJOPTKP is deducted once per taxpayer and year: from the taxpayer's active object with the highest NJOP (ties:
the lowest NOP), so that the whole deduction is used whenever one object can absorb it. A taxpayer who already has
an SPPT of the year with the deduction gets none on another object (a database constraint makes sure).

The bulk run streams the active objects in id order (keyset pagination, ``batch_size`` at a time); each batch is one
transaction that locks the run's row, skips objects already assessed, creates the bills (``bills_create_bulk``
when the payments app offers it) and the SPPT with ``bulk_create``, and moves the run's cursor. A run stopped
half-way resumes at its cursor; a new run for the same year skips whatever exists, so re-running is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.exceptions import BalaiError, Conflict, NotFound, ValidationFailed
from balai.taxes.access import require_tax_staff, tax_agency
from balai.taxes.bulk import insert_rows
from balai.taxes.due import due_date, local_today
from balai.taxes.models import (
    MAX_RUN_ERRORS_KEPT,
    Assessment,
    GenerationRun,
    RunStatus,
    TaxObject,
    TaxpayerAccount,
    TaxType,
)
from balai.taxes.nop import format_nop

from .billing import BillRequest, create_bills

logger = logging.getLogger("balai.taxes")

PBB_CODE = "PBB-P2"
DEFAULT_BATCH_SIZE = 2000
MIN_YEAR, MAX_YEAR = 2000, 2100
RUN_PROGRESS_FIELDS = [
    "status",
    "started_at",
    "finished_at",
    "total",
    "done",
    "created_count",
    "skipped_count",
    "errors",
    "last_object_id",
    "updated_at",
]
OBJECT_COLUMNS = ("id", "nop", "taxpayer_id", "taxpayer__name", "land_area_m2", "building_area_m2", "njop")


def sppt_amount(*, njop: int, njoptkp: int, rate_percent: Decimal, minimum: int | None) -> int:
    """max(minimum, rate × (NJOP − NJOPTKP)) in whole rupiah, rounded half-up; 0 when nothing is due."""
    taxable = max(0, int(njop) - int(njoptkp))
    tax = (Decimal(taxable) * Decimal(rate_percent) / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(int(tax), int(minimum or 0))


def pbb_config() -> TaxType:
    config = TaxType.objects.filter(code=PBB_CODE).first()
    if config is None or not config.is_active:
        raise Conflict(_("PBB-P2 is not configured or not active."), code="no_pbb_config")
    return config


def check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            fields={"year": [_("Enter a year from %(min)s to %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}]}
        )
    return year


def object_rows(objects: QuerySet[TaxObject], year: int) -> QuerySet[Any]:
    """The values the assessment of ``objects`` needs for ``year``, in one query: the object's figures and its
    taxpayer's name; whether it is assessed already; which object of its taxpayer gets the NJOPTKP (the active one
    with the highest NJOP, ties: the lowest NOP) and whether the taxpayer's NJOPTKP of the year is used already; and
    the account its bill is addressed to (the taxpayer's first linked one). The subqueries run per returned row on
    indexes, so a batch costs one round trip whatever its size."""
    best = (
        TaxObject.objects.filter(taxpayer_id=OuterRef("taxpayer_id"), is_active=True)
        .order_by("-njop", "nop")
        .values("id")[:1]
    )
    payer = TaxpayerAccount.objects.filter(taxpayer_id=OuterRef("taxpayer_id")).order_by("id").values("user_id")[:1]
    return objects.annotate(
        assessed=Exists(Assessment.objects.filter(tax_object_id=OuterRef("pk"), year=year)),
        njoptkp_object_id=Subquery(best),
        njoptkp_used=Exists(Assessment.objects.filter(taxpayer_id=OuterRef("taxpayer_id"), year=year, njoptkp__gt=0)),
        payer_id=Subquery(payer),
    ).values(*OBJECT_COLUMNS, "assessed", "njoptkp_object_id", "njoptkp_used", "payer_id")


def bill_description(year: int, nop: str) -> str:
    return f"SPPT PBB-P2 {year} NOP {format_nop(nop)}"


def bill_reference(year: int, nop: str) -> str:
    return f"SPPT-{year}-{nop}"


ASSESSMENT_COLUMNS = (
    "tax_object_id",
    "taxpayer_id",
    "year",
    "land_area_m2",
    "building_area_m2",
    "njop",
    "njoptkp",
    "rate_percent",
    "amount",
    "due_date",
    "bill_id",
    "status",
    "run_id",
    "created_at",
)


class BatchResult:
    def __init__(self) -> None:
        self.created = 0
        self.skipped = 0
        self.notes: list[dict[str, str]] = []


def assess_objects(
    *, actor: Any, rows: list[dict[str, Any]], year: int, config: TaxType, run: GenerationRun | None = None
) -> BatchResult:
    """Create the SPPT (and their bills) of ``rows`` (from ``object_rows``) for ``year``. Must run inside the
    caller's transaction; objects already assessed for the year are skipped. The SPPT are written in one go
    (``balai.taxes.bulk``: COPY on PostgreSQL), their bills by the payments app (``create_bills``)."""
    result = BatchResult()
    todo = [r for r in rows if not r["assessed"]]
    result.skipped = len(rows) - len(todo)
    if not todo:
        return result
    configured_njoptkp = int(config.njoptkp or 0)
    rate = config.rate_percent
    now = timezone.now()
    due_on = due_date(config.due_rule, year=year, issued_on=local_today(now))
    figures: list[tuple[dict[str, Any], int, int]] = []
    requests: list[BillRequest] = []
    for row in todo:
        gets_njoptkp = row["njoptkp_object_id"] == row["id"] and not row["njoptkp_used"]
        deducted = min(configured_njoptkp, row["njop"]) if gets_njoptkp else 0
        amount = sppt_amount(njop=row["njop"], njoptkp=deducted, rate_percent=rate, minimum=config.minimum_tax)
        if amount <= 0:
            result.skipped += 1
            result.notes.append({"nop": row["nop"], "message": str(_("No tax due: NJOP not above NJOPTKP."))})
            continue
        figures.append((row, deducted, amount))
        requests.append(
            BillRequest(
                payer_id=row["payer_id"],
                payer_name=row["taxpayer__name"],
                description=bill_description(year, row["nop"]),
                amount=amount,
                due_on=due_on,
                reference=bill_reference(year, row["nop"]),
            )
        )
    bills = create_bills(
        actor=actor, kind="tax_assessment", organization=tax_agency(), config=config, requests=requests
    )
    run_id = run.pk if run is not None else None
    result.created = insert_rows(
        Assessment,
        ASSESSMENT_COLUMNS,
        [
            (
                row["id"],
                row["taxpayer_id"],
                year,
                row["land_area_m2"],
                row["building_area_m2"],
                row["njop"],
                deducted,
                rate,
                amount,
                due_on,
                bill.pk,
                "unpaid",
                run_id,
                now,
            )
            for (row, deducted, amount), bill in zip(figures, bills, strict=True)
        ],
    )
    return result


def assessment_issue(*, actor: Any, tax_object: TaxObject, year: int) -> Assessment:
    """Issue the SPPT of one object (an object registered after the year's run, say)."""
    require_tax_staff(actor)
    check_year(year)
    config = pbb_config()
    if not tax_object.is_active:
        raise ValidationFailed(_("This tax object is not active."), code="object_inactive")
    try:
        with transaction.atomic():
            TaxObject.objects.select_for_update().filter(pk=tax_object.pk).exists()
            rows = list(object_rows(TaxObject.objects.filter(pk=tax_object.pk), year))
            result = assess_objects(actor=actor, rows=rows, year=year, config=config)
            if not result.created:
                if result.notes:
                    raise ValidationFailed(result.notes[0]["message"], code="no_tax_due")
                raise Conflict(_("This object already has its SPPT for %(year)s.") % {"year": year}, code="exists")
            assessment = Assessment.objects.get(tax_object=tax_object, year=year)
            audit_log(
                actor=actor,
                action="tax.sppt_issued",
                target=assessment,
                summary={"nop": tax_object.nop, "year": year, "amount": assessment.amount},
            )
    except IntegrityError:
        raise Conflict(_("This object already has its SPPT for %(year)s.") % {"year": year}, code="exists") from None
    return Assessment.objects.get(pk=assessment.pk)


# --- Bulk generation -----------------------------------------------------------------------------------


def generation_request(*, actor: Any, year: int, enqueue: bool = True) -> GenerationRun:
    """Queue the generation of every SPPT of ``year``; the task (or ``manage.py sppt_generate``) runs it."""
    require_tax_staff(actor)
    check_year(year)
    config = pbb_config()
    tax_agency()  # refuse now, not half-way, when there is no agency to bill for
    try:
        with transaction.atomic():
            run = GenerationRun.objects.create(
                tax_type=config,
                year=year,
                total=TaxObject.objects.filter(is_active=True).count(),
                requested_by=actor,
            )
            audit_log(actor=actor, action="tax.sppt_generation_requested", target=run, summary={"year": year})
            if enqueue:
                from balai.taxes.tasks import generate_sppt

                generate_sppt.enqueue(run.pk)
    except IntegrityError:
        raise Conflict(
            _("The SPPT of %(year)s are already being generated. Follow that run.") % {"year": year},
            code="run_active",
        ) from None
    return run


def active_run(year: int) -> GenerationRun | None:
    return GenerationRun.objects.filter(year=year, tax_type__code=PBB_CODE, status__in=["queued", "running"]).first()


def _note_errors(run: GenerationRun, notes: list[dict[str, str]]) -> None:
    if notes:
        run.errors = (list(run.errors or []) + notes)[-MAX_RUN_ERRORS_KEPT:]


def _fail(run_id: int, message: str) -> GenerationRun:
    with transaction.atomic():
        run = GenerationRun.objects.select_for_update().get(pk=run_id)
        run.status = RunStatus.FAILED
        run.error_count += 1
        _note_errors(run, [{"nop": "", "message": message}])
        run.finished_at = run.updated_at = timezone.now()
        run.save(update_fields=["status", "error_count", "errors", "finished_at", "updated_at"])
        audit_log(actor=None, action="tax.sppt_generation_failed", target=run, summary={"error": message[:300]})
    return run


def _relax_durability() -> None:
    """On PostgreSQL, commit a batch without waiting for its WAL flush (``synchronous_commit`` off for this
    transaction only). Consistency is untouched: a crash can lose the last batches committed, but the run's cursor
    is in the same transactions, so the run resumes before them and makes them again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def generation_execute(
    *,
    run_id: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[GenerationRun], None] | None = None,
) -> GenerationRun:
    """Work through a queued or running run, batch by batch, until it is completed or fails. Several workers on the
    same run take turns (each batch locks the run's row), so nothing is assessed twice."""
    if not 1 <= batch_size <= 20_000:
        raise ValidationFailed(fields={"batch_size": [_("Enter a number from 1 to 20000.")]})
    run = GenerationRun.objects.select_related("tax_type").filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    config = run.tax_type
    while True:
        try:
            with transaction.atomic():
                _relax_durability()
                run = GenerationRun.objects.select_for_update().get(pk=run_id)
                if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
                    return run
                now = timezone.now()
                if run.status == RunStatus.QUEUED:
                    run.status, run.started_at = RunStatus.RUNNING, now
                rows = list(
                    object_rows(
                        TaxObject.objects.filter(is_active=True, id__gt=run.last_object_id).order_by("id"), run.year
                    )[:batch_size]
                )
                if rows:
                    result = assess_objects(actor=None, rows=rows, year=run.year, config=config, run=run)
                    run.last_object_id = rows[-1]["id"]
                    run.done += len(rows)
                    run.created_count += result.created
                    run.skipped_count += result.skipped
                    _note_errors(run, result.notes)
                else:
                    run.status, run.finished_at = RunStatus.COMPLETED, now
                    run.total = max(run.total, run.done)
                    audit_log(
                        actor=None,
                        action="tax.sppt_generation_completed",
                        target=run,
                        summary={"year": run.year, "created": run.created_count, "skipped": run.skipped_count},
                    )
                run.updated_at = now
                run.save(update_fields=RUN_PROGRESS_FIELDS)
        except (BalaiError, IntegrityError) as exc:
            message = str(exc.message) if isinstance(exc, BalaiError) else str(_("A batch could not be stored."))
            logger.error("SPPT generation failed", extra={"run_id": run_id, "error": message})
            return _fail(run_id, message)
        if on_progress is not None:
            on_progress(run)
        if run.status == RunStatus.COMPLETED:
            return run
