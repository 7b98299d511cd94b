"""The payment receipt (bukti bayar): issued at once when a payment is credited, as an issued document of kind
``payment_receipt`` — signed with the billing agency's key, stored, verifiable at /verifikasi/<id>/ and listed
under the payer's documents — through the same storage and records as ``balai.documents``.

The documents app issues documents of cases from templates; a receipt has no template and may have no case, so
the few steps are done here with the documents app's public pieces (numbering helpers, letterhead, the PDF
building blocks, ``sign_pdf``, ``IssuedDocument``)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from balai.core.events import publish
from balai.core.exceptions import BalaiError
from balai.documents.models import DocumentKind, DocumentStatus, IssuedDocument, new_public_id
from balai.documents.numbering import format_date_id, local_date
from balai.documents.services.content import current_region, letterhead_for, verification_url
from balai.payments.models import Bill, Channel, Payment, PaymentStatus
from balai.payments.receipt_pdf import DOCUMENT_TYPE, PaymentReceiptContent, render_payment_receipt
from balai.payments.services.common import AuditBatch

logger = logging.getLogger("balai.payments")
CHANNEL_NAMES = {Channel.VIRTUAL_ACCOUNT: "Virtual Account", Channel.QRIS: "QRIS"}
PROVIDER_NAMES = {"simulator": "Simulator pembayaran (demo)", "gateway": "Gerbang pembayaran bank"}


def receipt_number(payment_code: str) -> str:
    """``BB-<payment code>``; a later receipt of the same bill (after a revocation) gets ``-2``, ``-3``..."""
    base = f"BB-{payment_code}"
    taken = set(IssuedDocument.objects.filter(number__startswith=base).values_list("number", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _content(payment: Payment, bill: Bill, number: str, public_id: str, issued_at: Any) -> PaymentReceiptContent:
    region = current_region()
    place = region.capital if region is not None and region.capital else ""
    return PaymentReceiptContent(
        letterhead=letterhead_for({}, "", bill.organization, region),
        number=number,
        payment_code=bill.payment_code,
        description=bill.description,
        payer_name=bill.payer_name,
        agency_name=bill.organization.name,
        revenue_code=bill.revenue_code,
        reference=bill.reference,
        items=[(item.description, item.amount) for item in bill.items.all()],
        base_amount=payment.base_amount or bill.amount,
        discount=payment.discount,
        penalty=payment.penalty,
        paid_amount=payment.amount,
        channel=CHANNEL_NAMES.get(payment.channel, payment.channel),
        provider=PROVIDER_NAMES.get(payment.provider, payment.provider),
        transaction_id=payment.provider_transaction_id,
        paid_text=timezone.localtime(payment.paid_at).strftime("%d/%m/%Y %H:%M:%S"),
        place_date=", ".join(part for part in (place, format_date_id(issued_at)) if part),
        verification_url=verification_url(public_id),
    )


def issue_receipt_for(payment: Payment, bill: Bill) -> IssuedDocument:
    """Render, sign, store and record the receipt of a credited ``payment`` (caller holds the bill's lock and
    the transaction). Raises SigningError when the agency cannot sign."""
    from balai.documents.signing import sign_pdf

    issued_at = timezone.now()
    number = receipt_number(bill.payment_code)
    public_id = new_public_id()
    pdf = render_payment_receipt(_content(payment, bill, number, public_id, issued_at))
    signed = sign_pdf(pdf, organization=bill.organization, reason=f"{DOCUMENT_TYPE} {number}", location="")
    data = signed.data
    storage_name = default_storage.save(
        f"documents/issued/{local_date(issued_at).year}/{secrets.token_urlsafe(24)}.pdf", ContentFile(data)
    )
    try:
        with transaction.atomic():
            document = IssuedDocument.objects.create(
                public_id=public_id,
                kind=DocumentKind.PAYMENT_RECEIPT,
                document_type=DOCUMENT_TYPE,
                number=number,
                case=bill.case,
                organization=bill.organization,
                holder=bill.payer,
                holder_name=bill.payer_name[:200],
                storage_name=storage_name,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                signing_provider=signed.provider[:50],
                certificate_sha256=signed.certificate_sha256,
                issued_at=issued_at,
            )
            Payment.objects.filter(pk=payment.pk).update(receipt=document)
            payment.receipt = document
            if bill.case_id:
                from balai.cases.services import case_record_document

                case_record_document(actor=None, case=bill.case, body=f"{DOCUMENT_TYPE} {number}", is_public=True)
    except BaseException:
        default_storage.delete(storage_name)
        raise
    return document


def record_receipt(document: IssuedDocument, bill: Bill, audits: AuditBatch) -> None:
    """The domain event of an issued receipt, and its audit event into ``audits`` (written last)."""
    publish(
        "document.issued",
        {
            "document_id": document.pk,
            "public_id": document.public_id,
            "kind": DocumentKind.PAYMENT_RECEIPT,
            "number": document.number,
            "case_id": bill.case_id,
            "organization_id": bill.organization_id,
            "holder_id": document.holder_id,
        },
    )
    audits.add(
        actor=None,
        action="document.issued",
        target=document,
        actor_label="system",
        summary={
            "number": document.number,
            "kind": DocumentKind.PAYMENT_RECEIPT,
            "payment_code": bill.payment_code,
            "organization": bill.organization.code,
            "sha256": document.sha256,
            "provider": document.signing_provider,
        },
    )


def issue_receipt_quietly(payment: Payment, bill: Bill, audits: AuditBatch | None = None) -> IssuedDocument | None:
    """Issue the receipt inside a savepoint: a failure (no signing key) is logged and leaves the credit intact;
    the ``bill.paid`` consumer can issue it later. Without a signing profile nothing is rendered at all."""
    from balai.documents.signing import active_profile_for

    if active_profile_for(bill.organization) is None:
        logger.error("payment receipt not issued", extra={"payment_id": payment.pk, "error_code": "no_signing_profile"})
        return None
    batch = AuditBatch() if audits is None else audits
    try:
        with transaction.atomic():
            document = issue_receipt_for(payment, bill)
            record_receipt(document, bill, batch)
            if audits is None:
                batch.write()
            return document
    except BalaiError as exc:
        logger.error(
            "payment receipt not issued",
            extra={"payment_id": payment.pk, "error_code": exc.code, "error": str(exc.message)},
        )
        return None


def payment_receipt_issue(*, payment_id: Any) -> str:
    """Issue the missing receipt of a credited payment (the ``bill.paid`` consumer; idempotent)."""
    from .common import lock_bill

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != PaymentStatus.CREDITED:
        return "no_payment"
    if payment.receipt_id and payment.receipt.status == DocumentStatus.VALID:
        return "already_issued"
    with transaction.atomic():
        bill = lock_bill(payment.bill_id)
        payment = Payment.objects.select_related("receipt").get(pk=payment.pk)
        if payment.receipt_id and payment.receipt.status == DocumentStatus.VALID:
            return "already_issued"
        bill = Bill.objects.select_related("organization", "case").get(pk=bill.pk)
        return "issued" if issue_receipt_quietly(payment, bill) is not None else "failed"
