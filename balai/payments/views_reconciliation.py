"""/kantor/rekonsiliasi/: revenue staff upload the bank's settlement file and read what matched and what did not.

Pages: the batches with the upload form, one batch with its lines (filter by outcome, search by payment code
or reference), and the CSV of a batch's discrepancies. Staff without a revenue role get the 403 page; an unknown
batch is a 404. The upload is read into memory only, up to the size limit, and refused past it without
reading the rest; reconciliation never credits a bill (see ``balai.payments.reconciliation``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from balai.core.exceptions import PermissionDenied
from balai.documents.forms import MULTIPART_OVERHEAD, declared_length, install_pdf_upload_handler, read_upload
from balai.payments.models import Bill, PaymentStatus, SettlementBatch, SettlementLine, SettlementOutcome
from balai.payments.reconciliation import export
from balai.payments.reconciliation.forms import LineFilterForm, SettlementUploadForm
from balai.payments.reconciliation.parsing import SettlementFileRefused
from balai.payments.reconciliation.selectors import (
    batch_for,
    batch_lines,
    batches_for,
    bills_by_code,
    earlier_matches,
)
from balai.payments.reconciliation.services import (
    may_reconcile,
    settlement_export_recorded,
    settlement_max_bytes,
    settlement_refusal_recorded,
    settlement_upload,
    too_large_error,
)
from balai.web.views import staff_member_required

app_name = "reconciliation"

BATCHES_PER_PAGE = 25
LINES_PER_PAGE = 50
OUTCOME_TAGS = {
    SettlementOutcome.MATCHED: "success",
    SettlementOutcome.MISSING_IN_PLATFORM: "danger",
    SettlementOutcome.MISSING_IN_BANK: "danger",
    SettlementOutcome.AMOUNT_MISMATCH: "waiting",
    SettlementOutcome.DUPLICATE: "neutral",
}


def _require_revenue_staff(request: HttpRequest) -> None:
    if not may_reconcile(request.user):
        raise DjangoPermissionDenied


# --- Batches and upload -------------------------------------------------------------------------------------


def _batches_page(request: HttpRequest, *, form: SettlementUploadForm | None = None, status: int = 200) -> HttpResponse:
    max_bytes = settlement_max_bytes()
    page = Paginator(batches_for(request.user), BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request,
        "payments/reconciliation/batches.html",
        {
            "form": form or SettlementUploadForm(max_bytes=max_bytes),
            "page_obj": page,
            "batches": [_batch_row(batch) for batch in page.object_list],
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _batch_row(batch: SettlementBatch) -> dict[str, Any]:
    discrepancies = (
        batch.missing_in_platform_count
        + batch.missing_in_bank_count
        + batch.amount_mismatch_count
        + batch.duplicate_count
    )
    return {"batch": batch, "discrepancies": discrepancies, "uploaded_by": _person(batch.uploaded_by)}


def _person(user: Any) -> str:
    return getattr(user, "full_name", "") or getattr(user, "email", "") or "–"


@never_cache
@require_safe
@staff_member_required
def batches(request: HttpRequest) -> HttpResponse:
    _require_revenue_staff(request)
    return _batches_page(request)


@csrf_exempt  # checked below by csrf_protect, once the in-memory upload handler is in place
@never_cache
@staff_member_required
def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_revenue_staff(request)
    max_bytes = settlement_max_bytes()
    if declared_length(request) > max_bytes + MULTIPART_OVERHEAD:
        # Refused from the header alone: the body is never read.
        return _too_large(request, max_bytes, size=declared_length(request))
    handler = install_pdf_upload_handler(request, max_bytes)
    return csrf_protect(_upload_post)(request, handler=handler, max_bytes=max_bytes)


def _refused(request: HttpRequest, error: SettlementFileRefused, max_bytes: int, *, status: int) -> HttpResponse:
    form = SettlementUploadForm(data={}, files={}, max_bytes=max_bytes)
    form.is_valid()
    form.errors.clear()
    for message in error.fields.get("file", [str(error.message)]):
        form.add_error("file", message)
    return _batches_page(request, form=form, status=status)


def _too_large(request: HttpRequest, max_bytes: int, *, size: int, file_name: str = "") -> HttpResponse:
    error = too_large_error(max_bytes)
    settlement_refusal_recorded(actor=request.user, file_name=file_name, size=size, code=error.code)
    return _refused(request, error, max_bytes, status=413)


def _upload_post(request: HttpRequest, *, handler: Any, max_bytes: int) -> HttpResponse:
    form = SettlementUploadForm(request.POST, request.FILES, max_bytes=max_bytes)
    if handler.too_large:
        return _too_large(request, max_bytes, size=handler.received, file_name=handler.file_name or "")
    if not form.is_valid():
        return _batches_page(request, form=form, status=400)
    uploaded = form.cleaned_data["file"]
    data = read_upload(uploaded, max_bytes)
    try:
        outcome = settlement_upload(actor=request.user, file_name=uploaded.name, data=data)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except SettlementFileRefused as exc:
        return _refused(request, exc, max_bytes, status=413 if exc.code == "settlement_too_large" else 400)
    batch = outcome.batch
    if outcome.created:
        messages.success(
            request,
            _("%(name)s is reconciled. Lines matched: %(matched)d of %(lines)d; discrepancies: %(discrepancies)d.")
            % {
                "name": batch.file_name,
                "matched": batch.matched_count,
                "lines": batch.line_count,
                "discrepancies": _batch_row(batch)["discrepancies"],
            },
        )
    else:
        messages.info(
            request,
            _(
                "This file was already uploaded on %(date)s by %(person)s. Nothing new was stored: "
                "here is the result of that upload."
            )
            % {
                "date": formats.date_format(timezone.localtime(batch.uploaded_at), "DATETIME_FORMAT"),
                "person": _person(batch.uploaded_by),
            },
        )
    return redirect("reconciliation:batch", batch_id=batch.pk)


# --- One batch ----------------------------------------------------------------------------------------------


def _batch(request: HttpRequest, batch_id: int) -> SettlementBatch:
    _require_revenue_staff(request)
    batch = batch_for(request.user, batch_id)
    if batch is None:
        raise Http404
    return batch


def _line_row(line: SettlementLine, earlier: dict[int, int], bills: dict[str, Bill]) -> dict[str, Any]:
    payment = line.payment
    credited = payment is not None and payment.status == PaymentStatus.CREDITED
    if line.outcome == SettlementOutcome.MISSING_IN_BANK:
        bank_amount, platform_amount = None, line.amount
    else:
        bank_amount, platform_amount = line.amount, payment.amount if credited else None
    notes = []
    if payment is not None and not credited:
        notes.append(_("Recorded but not credited: %(reason)s.") % {"reason": payment.get_flag_reason_display()})
    if payment is not None and payment.pk in earlier:
        notes.append(_("Also matched in settlement file #%(id)d.") % {"id": earlier[payment.pk]})
    return {
        "line": line,
        "tag": OUTCOME_TAGS.get(line.outcome, "neutral"),
        "bank_amount": bank_amount,
        "platform_amount": platform_amount,
        "bill": payment.bill if payment is not None else bills.get(line.payment_code),
        "notes": notes,
    }


@never_cache
@require_safe
@staff_member_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    form = LineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    outcome, search = filters.get("outcome", ""), filters.get("q", "")
    page = Paginator(batch_lines(batch, outcome=outcome, search=search), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    lines = list(page.object_list)
    earlier = earlier_matches(batch, [line.payment_id for line in lines if line.payment_id])
    bills = bills_by_code([line.payment_code for line in lines if line.payment_id is None])
    export_outcome = outcome if outcome and outcome != SettlementOutcome.MATCHED else "discrepancies"
    response = render(
        request,
        "payments/reconciliation/batch.html",
        {
            "batch": batch,
            "uploaded_by": _person(batch.uploaded_by),
            "counts": _counts(batch),
            "form": form,
            "page_obj": page,
            "rows": [_line_row(line, earlier, bills) for line in lines],
            "filtered": bool(outcome or search),
            "export_url": reverse("reconciliation:export", args=[batch.pk])
            + "?"
            + urlencode({"outcome": export_outcome}),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _counts(batch: SettlementBatch) -> list[tuple[str, str, int, str]]:
    """(outcome, label, count, tag) for the summary, in the order Bapenda works through them."""
    values = {
        SettlementOutcome.MISSING_IN_PLATFORM: batch.missing_in_platform_count,
        SettlementOutcome.MISSING_IN_BANK: batch.missing_in_bank_count,
        SettlementOutcome.AMOUNT_MISMATCH: batch.amount_mismatch_count,
        SettlementOutcome.DUPLICATE: batch.duplicate_count,
        SettlementOutcome.MATCHED: batch.matched_count,
    }
    return [(str(o), str(SettlementOutcome(o).label), n, OUTCOME_TAGS[o]) for o, n in values.items()]


@never_cache
@require_safe
@staff_member_required
def batch_export(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The discrepancies (every outcome but matched, or the one asked for) as CSV, audited."""
    batch = _batch(request, batch_id)
    outcome = request.GET.get("outcome") or "discrepancies"
    if outcome not in SettlementOutcome.values and outcome != "discrepancies" or outcome == SettlementOutcome.MATCHED:
        outcome = "discrepancies"
    lines = batch_lines(batch, outcome=outcome)
    settlement_export_recorded(actor=request.user, batch=batch, outcome=outcome, rows=lines.count())
    response = StreamingHttpResponse(
        export.csv_lines(lines.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="selisih-rekonsiliasi-{batch.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("", batches, name="batches"),
    path("unggah/", upload, name="upload"),
    path("<int:batch_id>/", batch_detail, name="batch"),
    path("<int:batch_id>/selisih.csv", batch_export, name="export"),
]
