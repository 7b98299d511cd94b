"""The payment receipt (bukti bayar): issued at once when a payment is credited, as a signed PDF with the QR
code of its verification page, held by the payer; a missing signing key never blocks the credit and the
receipt follows once the key exists."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from balai.documents.models import DocumentKind, DocumentStatus, IssuedDocument
from balai.documents.signing import validate_pdf
from balai.documents.tests.factories import pdf_text
from balai.payments.models import BillStatus, Payment
from balai.payments.receipt_pdf import rupiah, terbilang
from balai.payments.services import payment_receipt_issue

from .factories import make_bill, pay_with_simulator

pytestmark = pytest.mark.django_db


def test_receipt_is_a_signed_pdf_held_by_the_payer(signing_profile_for):
    bill = make_bill(reference="SPPT-2026-000123")
    signing_profile_for(bill.organization)
    pay_with_simulator(bill)
    payment = Payment.objects.select_related("receipt").get()
    receipt = payment.receipt
    assert receipt.kind == DocumentKind.PAYMENT_RECEIPT and receipt.status == DocumentStatus.VALID
    assert receipt.number == f"BB-{bill.payment_code}"
    assert receipt.holder == bill.payer and receipt.organization == bill.organization
    with default_storage.open(receipt.storage_name, "rb") as handle:
        data = handle.read()
    report = validate_pdf(data)
    assert report.signed and report.intact
    text = pdf_text(data)
    assert "BUKTI PEMBAYARAN" in text and bill.payment_code in text and "Rp150.000" in text
    assert "Seratus lima puluh ribu rupiah" in text and "SPPT-2026-000123" in text
    assert f"/verifikasi/{receipt.public_id}/" in text


def test_payer_downloads_it_and_anyone_can_verify_it(signing_profile_for):
    bill = make_bill()
    signing_profile_for(bill.organization)
    pay_with_simulator(bill)
    receipt = IssuedDocument.objects.get(kind=DocumentKind.PAYMENT_RECEIPT)
    client = Client()
    client.force_login(bill.payer)
    assert client.get(f"/saya/dokumen/{receipt.public_id}/unduh/").status_code == 200
    assert Client().get(f"/verifikasi/{receipt.public_id}/").status_code == 200
    other = Client()
    from balai.accounts.tests.factories import UserFactory

    other.force_login(UserFactory(citizen=True))
    assert other.get(f"/saya/dokumen/{receipt.public_id}/unduh/").status_code == 404


def test_without_a_signing_key_the_payment_counts_and_the_receipt_follows(signing_profile_for):
    bill = make_bill()
    pay_with_simulator(bill)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    payment = Payment.objects.get()
    assert payment.receipt_id is None and not IssuedDocument.objects.exists()
    signing_profile_for(bill.organization)
    assert payment_receipt_issue(payment_id=payment.pk) == "issued"
    assert payment_receipt_issue(payment_id=payment.pk) == "already_issued"
    assert IssuedDocument.objects.filter(kind=DocumentKind.PAYMENT_RECEIPT).count() == 1


def test_receipt_of_a_case_fee_is_noted_on_the_case(signing_profile_for):
    from balai.cases.models import TimelineKind
    from balai.cases.tests.factories import submitted_case
    from balai.payments.models import BillKind

    case = submitted_case()
    bill = make_bill(kind=BillKind.SERVICE_FEE, case=case, payer=case.applicant, organization=case.organization)
    signing_profile_for(bill.organization)
    pay_with_simulator(bill)
    receipt = IssuedDocument.objects.get(kind=DocumentKind.PAYMENT_RECEIPT)
    assert receipt.case == case
    assert case.timeline.filter(kind=TimelineKind.DOCUMENT, body__contains=receipt.number).exists()


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (11, "sebelas rupiah"),
        (15, "lima belas rupiah"),
        (100, "seratus rupiah"),
        (1000, "seribu rupiah"),
        (1_500, "seribu lima ratus rupiah"),
        (150_000, "seratus lima puluh ribu rupiah"),
        (2_011_000, "dua juta sebelas ribu rupiah"),
        (1_000_000_000, "satu miliar rupiah"),
        (
            123_456_789,
            "seratus dua puluh tiga juta empat ratus lima puluh enam ribu tujuh ratus delapan puluh sembilan rupiah",
        ),
    ],
)
def test_amount_in_words(amount, words):
    assert terbilang(amount) == words


def test_rupiah_format():
    assert rupiah(1_250_000) == "Rp1.250.000" and rupiah(-500) == "-Rp500"


def test_receipts_made_by_the_worker_when_configured(settings, signing_profile_for, monkeypatch):
    """``BALAI_PAYMENTS_RECEIPTS=worker``: crediting does not render; the bill.paid task issues the receipt."""
    settings.BALAI_PAYMENTS_RECEIPTS = "worker"
    rendered = []
    from balai.payments.services import receipts

    original = receipts.issue_receipt_for
    monkeypatch.setattr(receipts, "issue_receipt_for", lambda *a: rendered.append(1) or original(*a))
    bill = make_bill()
    signing_profile_for(bill.organization)
    pay_with_simulator(bill)
    # The immediate task backend of the tests runs the bill.paid consumer at once, after crediting.
    assert rendered == [1]
    assert Payment.objects.get().receipt is not None
