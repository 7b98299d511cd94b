"""The payment pages, without JavaScript: the citizen's bills (unpaid first, amounts of today, another person's
bill a 404), paying by payment code through the simulated bank's screens and the status button, the revenue
pages for revenue staff only, their exports and the refund form; query budgets; accessibility basics."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.api.tests.conftest import signed_in
from balai.cases.tests.factories import staff_with_role
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import BillStatus, PaymentInstruction, Refund, SimulatedTransfer
from balai.payments.services import bill_cancel
from tests.test_accessibility_basics import assert_accessible

from .factories import make_bill, paid_bill

pytestmark = pytest.mark.django_db


def citizen_client(user):
    client = Client()
    client.force_login(user)
    return client


# --- the citizen's bills ---------------------------------------------------------------------------------


def test_my_bills_lists_unpaid_first_with_todays_amount(django_assert_max_num_queries):
    payer = UserFactory(citizen=True)
    paid = paid_bill(payer=payer)
    unpaid = make_bill(payer=payer, online_discount_percent=5)
    for _ in range(5):
        make_bill(payer=payer)
    make_bill()  # someone else's
    client = citizen_client(payer)
    with django_assert_max_num_queries(12):
        response = client.get("/saya/tagihan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(unpaid.payment_code[:4] + " " + unpaid.payment_code[4:8]) < html.index(
        " ".join(paid.payment_code[i : i + 4] for i in range(0, 16, 4))
    )
    assert "Rp142.500" in html  # 5 % online discount today
    assert html.count("/bayar/") >= 6
    assert_accessible(html, "my bills")


def test_another_persons_bill_is_404():
    bill = make_bill()
    client = citizen_client(UserFactory(citizen=True))
    assert client.get(f"/saya/tagihan/{bill.payment_code}/").status_code == 404
    assert client.get("/saya/tagihan/123/").status_code == 404


def test_my_bill_page_shows_items_and_the_receipt_link(signing_profile_for):
    bill = make_bill()
    signing_profile_for(bill.organization)
    client = citizen_client(bill.payer)
    html = client.get(f"/saya/tagihan/{bill.payment_code}/").content.decode()
    assert "Retribusi uji" in html and f"/bayar/{bill.payment_code}/" in html
    assert_accessible(html, "my bill unpaid")
    from .factories import pay_with_simulator

    pay_with_simulator(bill)
    html = client.get(f"/saya/tagihan/{bill.payment_code}/").content.decode()
    assert "/saya/dokumen/" in html and "/unduh/" in html
    assert_accessible(html, "my bill paid")


def test_my_bills_needs_sign_in():
    response = Client().get("/saya/tagihan/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


# --- paying by payment code, without JavaScript -------------------------------------------------------------


def test_pay_by_va_through_the_simulated_bank(signing_profile_for):
    bill = make_bill(payer_name="Siti Nurhaliza")
    signing_profile_for(bill.organization)
    client = Client()
    found = client.get("/bayar/", {"code": " ".join(bill.payment_code[i : i + 4] for i in range(0, 16, 4))})
    assert found.status_code == 302 and found["Location"] == f"/bayar/{bill.payment_code}/"
    page = client.get(found["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "Rp150.000" in html and "Siti" not in html  # amount only, no name
    assert_accessible(html, "pay page")
    response = client.post(f"/bayar/{bill.payment_code}/", {"channel": "virtual_account"})
    assert response.status_code == 302
    html = client.get(f"/bayar/{bill.payment_code}/").content.decode()
    instruction = PaymentInstruction.objects.get()
    grouped_va = " ".join(instruction.va_number[i : i + 4] for i in range(0, 16, 4))
    assert grouped_va in html and "/simulasi-bank/" in html
    assert_accessible(html, "pay page with VA")
    bank = client.get("/simulasi-bank/", {"va_number": instruction.va_number})
    assert bank.status_code == 200 and "Rp150.000" in bank.content.decode()
    assert_accessible(bank.content.decode(), "simulated bank VA")
    paid = client.post("/simulasi-bank/", {"va_number": instruction.va_number, "pay": "1"})
    transfer = SimulatedTransfer.objects.get()
    assert paid.status_code == 302 and paid["Location"] == f"/simulasi-bank/transaksi/{transfer.transaction_id}/"
    done = client.get(paid["Location"])
    assert_accessible(done.content.decode(), "simulated bank done")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    html = client.get(f"/bayar/{bill.payment_code}/").content.decode()
    assert "Rp150.000" in html and "/unduh/" not in html  # the receipt only for the signed-in payer
    payer = citizen_client(bill.payer)
    assert "/unduh/" in payer.get(f"/bayar/{bill.payment_code}/").content.decode()


def test_pay_by_qris_shows_an_inline_svg_and_the_payload():
    bill = make_bill()
    client = Client()
    client.post(f"/bayar/{bill.payment_code}/", {"channel": "qris"})
    instruction = PaymentInstruction.objects.get()
    html = client.get(f"/bayar/{bill.payment_code}/").content.decode()
    assert "<svg" in html and '<title id="qris-title">' in html and instruction.qr_payload in html
    assert_accessible(html, "pay page with QRIS")
    screen = client.get(f"/simulasi-bank/qris/{instruction.provider_reference}/")
    assert screen.status_code == 200
    assert_accessible(screen.content.decode(), "simulated QRIS")
    assert client.post(f"/simulasi-bank/qris/{instruction.provider_reference}/").status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


def test_status_button_credits_a_payment_whose_notification_was_lost(monkeypatch):
    bill = make_bill()
    client = Client()
    client.post(f"/bayar/{bill.payment_code}/", {"channel": "virtual_account"})
    monkeypatch.setattr("balai.payments.providers.simulator.simulator_notify", lambda transfer_id: None)
    instruction = PaymentInstruction.objects.get()
    client.post("/simulasi-bank/", {"va_number": instruction.va_number, "pay": "1"})
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID
    response = client.post(f"/bayar/{bill.payment_code}/periksa/")
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


def test_paying_a_cancelled_bill_is_refused_clearly():
    bill = make_bill()
    bill_cancel(actor=None, bill=bill, reason="Salah tagih")
    client = Client()
    html = client.get(f"/bayar/{bill.payment_code}/").content.decode()
    assert "dibatalkan" in html or "cancelled" in html
    response = client.post(f"/bayar/{bill.payment_code}/", {"channel": "virtual_account"})
    assert response.status_code == 409
    assert not PaymentInstruction.objects.exists()


@pytest.mark.parametrize("code", ["123", "9901000000000000", "abcdefghijklmnop", "<script>"])
def test_wrong_codes_get_a_clear_message(code):
    response = Client().get("/bayar/", {"code": code})
    assert response.status_code == 400
    assert_accessible(response.content.decode(), "pay start with error")
    assert Client().get(f"/bayar/{code}/").status_code == 404


def test_an_unknown_well_formed_code_is_not_found():
    from balai.payments.codes import format_payment_code

    response = Client().get("/bayar/", {"code": format_payment_code(99_999_999, prefix="9901")})
    assert response.status_code == 400


def test_a_bad_channel_is_400():
    bill = make_bill()
    assert Client().post(f"/bayar/{bill.payment_code}/", {"channel": "cash"}).status_code == 400
    assert not PaymentInstruction.objects.exists()


def test_public_pay_pages_are_rate_limited(settings):
    settings.BALAI_PAYMENTS_RATE_LIMIT = 3
    client = Client()
    statuses = [client.get("/bayar/", {"code": "9901000000000012"}).status_code for _ in range(5)]
    assert statuses[-1] == 429


def test_simulator_pages_vanish_when_it_is_disabled(settings):
    settings.BALAI_PAYMENTS_PROVIDERS = "gateway"
    assert Client().get("/simulasi-bank/").status_code == 404


def test_pay_forms_need_csrf():
    bill = make_bill()
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/bayar/{bill.payment_code}/", {"channel": "qris"}).status_code == 403
    assert not PaymentInstruction.objects.exists()


# --- the revenue pages ----------------------------------------------------------------------------------------


@pytest.fixture
def bapenda():
    return OrganizationFactory(code="BAPENDA", name="Badan Pendapatan Daerah")


def test_revenue_page_for_a_tax_officer_with_exports(bapenda, django_assert_max_num_queries):
    officer = staff_with_role(bapenda, Role.TAX_OFFICER)
    for _ in range(4):
        paid_bill()
    flagged = make_bill()
    from .conftest import sign
    from .test_callbacks import paid_body, post

    body = paid_body(flagged, amount=1)
    post(body, sign(body))
    client = signed_in(officer, otp=True)
    with django_assert_max_num_queries(25):
        response = client.get("/kantor/pendapatan/")
    html = response.content.decode()
    assert response.status_code == 200 and "RETRIBUSI-UJI" in html and "Rp600.000" in html
    assert flagged.payment_code[:4] in html
    assert_accessible(html, "revenue page")
    today = timezone.localdate()
    query = {"start": today.isoformat(), "end": today.isoformat(), "export": "revenue"}
    exported = client.get("/kantor/pendapatan/", {**query, "format": "csv"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "RETRIBUSI-UJI" and rows[1][2] == "4" and rows[1][3] == "600000"
    xlsx = client.get("/kantor/pendapatan/", {**query, "format": "xlsx"})
    assert xlsx.status_code == 200 and zipfile.ZipFile(io.BytesIO(xlsx.content)).testzip() is None
    flagged_csv = client.get("/kantor/pendapatan/", {**query, "export": "flagged", "format": "csv"})
    assert flagged.payment_code in flagged_csv.content.decode("utf-8-sig")


@pytest.mark.parametrize("who", ["verifier", "citizen", "other_officer_sees_nothing_of_others"])
def test_revenue_pages_for_others(who, bapenda):
    bill = paid_bill()
    if who == "citizen":
        client = citizen_client(UserFactory(citizen=True))
        assert client.get("/kantor/pendapatan/").status_code == 403
        return
    if who == "verifier":
        client = signed_in(staff_with_role(bill.organization, Role.VERIFIER), otp=True)
        assert client.get("/kantor/pendapatan/").status_code == 403
        assert client.get(f"/kantor/pendapatan/tagihan/{bill.payment_code}/").status_code == 403
        return
    client = signed_in(staff_with_role(OrganizationFactory(), Role.TAX_OFFICER), otp=True)
    html = client.get("/kantor/pendapatan/").content.decode()
    assert "Rp150.000" not in html
    assert client.get(f"/kantor/pendapatan/tagihan/{bill.payment_code}/").status_code == 404


def test_bad_date_ranges_get_a_message(bapenda):
    client = signed_in(staff_with_role(bapenda, Role.TAX_OFFICER), otp=True)
    assert client.get("/kantor/pendapatan/", {"start": "2026-05-02", "end": "2026-05-01"}).status_code == 400
    assert client.get("/kantor/pendapatan/", {"start": "2024-01-01", "end": "2026-01-01"}).status_code == 400
    response = client.get("/kantor/pendapatan/", {"start": "kemarin"})
    assert response.status_code == 400
    assert_accessible(response.content.decode(), "revenue page with errors")


def test_refund_through_the_bill_page(bapenda):
    bill = paid_bill()
    head = staff_with_role(bill.organization, Role.HEAD)
    client = signed_in(head, otp=True)
    found = client.get("/kantor/pendapatan/tagihan/", {"code": bill.payment_code})
    assert found.status_code == 302
    page = client.get(found["Location"])
    assert page.status_code == 200
    assert_accessible(page.content.decode(), "staff bill page")
    refused = client.post(found["Location"], {"amount": "150.000", "reason": "Dibayar dua kali oleh wajib pajak"})
    assert refused.status_code == 400 and not Refund.objects.exists()
    assert_accessible(refused.content.decode(), "staff bill page with errors")
    too_much = client.post(found["Location"], {"amount": "150001", "reason": "Dibayar dua kali oleh wajib pajak"})
    assert too_much.status_code == 400 and not Refund.objects.exists()
    done = client.post(found["Location"], {"amount": "150000", "reason": "Dibayar dua kali oleh wajib pajak"})
    assert done.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.REFUNDED


def test_a_tax_officer_of_bapenda_without_refund_right_on_a_view_only_page(bapenda):
    bill = paid_bill()
    verifier_at_bapenda = staff_with_role(bapenda, Role.VERIFIER)
    client = signed_in(verifier_at_bapenda, otp=True)
    assert client.post(f"/kantor/pendapatan/tagihan/{bill.payment_code}/", {"amount": "1"}).status_code == 403
    assert not Refund.objects.exists()


def test_days_are_local_dates(bapenda):
    officer = staff_with_role(bapenda, Role.TAX_OFFICER)
    paid_bill()
    client = signed_in(officer, otp=True)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    html = client.get("/kantor/pendapatan/", {"start": tomorrow.isoformat()}).content.decode()
    assert "RETRIBUSI-UJI" not in html
