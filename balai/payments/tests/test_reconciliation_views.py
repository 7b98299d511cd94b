"""/kantor/rekonsiliasi/: revenue staff upload settlement files and read the result; everyone else is refused;
bad and hostile files get a clear error and store nothing; the CSV export of discrepancies is audited and
cannot smuggle a spreadsheet formula; the pages pass the accessibility basics and keep a query budget."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.cases.tests.factories import staff_with_role
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import SettlementBatch, SettlementLine, SettlementOutcome
from balai.payments.reconciliation.export import spreadsheet_safe
from balai.payments.reconciliation.services import settlement_upload
from balai.payments.tests.factories import make_bill
from balai.payments.tests.test_reconciliation_services import (
    credit,
    csv_file,
    day,
    money_state,
    revenue_agency,
    tax_officer,
    yesterday_at,
)
from balai.web.tests.conftest import sign_in_verified
from balai.web.tests.html import find_all, parse
from tests.test_accessibility_basics import assert_accessible

pytestmark = pytest.mark.django_db

BATCHES = reverse("reconciliation:batches")
UPLOAD = reverse("reconciliation:upload")


def client_for(user: Any, *, language: str = "en", enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    if getattr(user, "is_staff_member", False):
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    client.cookies["balai_language"] = language
    return client


@pytest.fixture
def officer() -> Any:
    return tax_officer()


@pytest.fixture
def officer_client(officer: Any) -> Client:
    return client_for(officer)


def upload(client: Client, data: bytes, name: str = "settlement.csv") -> Any:
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.fixture
def reconciled(officer: Any) -> SettlementBatch:
    """A batch with one line of each outcome, one with a hostile reference."""
    paid, short, unpaid, not_in_file = make_bill(), make_bill(), make_bill(), make_bill()
    credit(paid, transaction_id="VA-1")
    credit(short, transaction_id="VA-2")
    credit(not_in_file, transaction_id="VA-3")
    date = day(yesterday_at(10))
    data = csv_file(
        f"{date},{paid.payment_code},150000,VA-1",
        f'{date},{short.payment_code},140000,=HYPERLINK("http://evil.test";"klik")',
        f'{date},{unpaid.payment_code},150000,"<script>alert(1)</script>"',
        f"{date},{paid.payment_code},150000,VA-1",
        f"{date},9901999999999999,25000,@SUM(A1:A9)",
    )
    return settlement_upload(actor=officer, file_name="mandiri-22.csv", data=data).batch


# --- Who may -------------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in():
    response = Client().get(BATCHES)
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(citizen=True),
        lambda: staff_with_role(revenue_agency(), Role.VERIFIER),
        lambda: staff_with_role(OrganizationFactory(), Role.HEAD),
        lambda: staff_with_role(OrganizationFactory(), Role.TAX_OFFICER),
    ],
)
def test_people_without_a_revenue_role_are_refused_everywhere(make_user, reconciled):
    client = client_for(make_user())
    for url in (
        BATCHES,
        reverse("reconciliation:batch", args=[reconciled.pk]),
        reverse("reconciliation:export", args=[reconciled.pk]),
    ):
        assert client.get(url).status_code == 403, url
    count = SettlementBatch.objects.count()
    response = upload(client, csv_file(f"{day(yesterday_at(10))},9901000000000019,1000,R"))
    assert response.status_code == 403
    assert SettlementBatch.objects.count() == count
    assert not AuditEvent.objects.filter(action="settlement.exported").exists()


def test_heads_of_the_revenue_agency_and_administrators_may(reconciled):
    for user in (staff_with_role(revenue_agency(), Role.HEAD), UserFactory(superuser=True, verified=True)):
        client = client_for(user)
        assert client.get(BATCHES).status_code == 200
        assert client.get(reverse("reconciliation:batch", args=[reconciled.pk])).status_code == 200


def test_an_unknown_batch_is_not_found(officer_client):
    assert officer_client.get(reverse("reconciliation:batch", args=[999999])).status_code == 404
    assert officer_client.get("/kantor/rekonsiliasi/99999999999999999999999/").status_code == 404
    assert officer_client.get(reverse("reconciliation:export", args=[999999])).status_code == 404


# --- Upload --------------------------------------------------------------------------------------------------


def test_uploading_a_file_reconciles_it_and_shows_the_result(officer_client, officer):
    bill, unpaid = make_bill(), make_bill()
    credit(bill, transaction_id="VA-1")
    date = day(yesterday_at(10))
    before = money_state()
    response = upload(
        officer_client,
        csv_file(f"{date},{bill.payment_code},150000,VA-1", f"{date},{unpaid.payment_code},150000,B-2"),
    )
    batch = SettlementBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reconciliation:batch", args=[batch.pk])
    page = officer_client.get(response["Location"])
    html = page.content.decode()
    assert "settlement.csv is reconciled. Lines matched: 1 of 2; discrepancies: 1." in html
    assert unpaid.payment_code in html and batch.sha256 in html
    # The bank took money for a bill the platform still has unpaid: the page says so and links the bill.
    bill_link = find_all(parse(html), "a", href=reverse("revenue:bill", args=[unpaid.payment_code]))
    assert len(bill_link) == 1 and bill_link[0].text.startswith("Unpaid")
    assert money_state() == before  # never a credit


def test_uploading_the_same_file_again_shows_the_first_result(officer_client, officer):
    data = csv_file(f"{day(yesterday_at(10))},9901000000000019,1000,R")
    upload(officer_client, data)
    other = client_for(staff_with_role(revenue_agency(), Role.HEAD))
    response = upload(other, data, name="again.csv")
    batch = SettlementBatch.objects.get()
    assert response["Location"] == reverse("reconciliation:batch", args=[batch.pk])
    html = other.get(response["Location"]).content.decode()
    assert "This file was already uploaded on" in html and officer.full_name in html
    assert SettlementLine.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"tanggal,kode\n2026-01-01,1\n", "The file does not have the settlement columns"),
        (b"PK\x03\x04\x14\x00\x06\x00", "This is an Excel workbook"),
        (b"", "The file is empty."),
        (b"date,payment_code,amount,reference\n2026-01-01,x y z!,1,2\n", "Line 2: the payment code"),
    ],
)
def test_a_bad_file_is_refused_on_the_page_and_stores_nothing(officer_client, data, message):
    response = upload(officer_client, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    summary = find_all(parse(html), "div", **{"class": "error-summary"})
    assert len(summary) == 1 and message in summary[0].text
    assert SettlementBatch.objects.count() == 0
    assert_accessible(html, "reconciliation upload error")


def test_a_missing_file_is_a_form_error(officer_client):
    response = officer_client.post(UPLOAD, {})
    assert response.status_code == 400 and SettlementBatch.objects.count() == 0


def test_a_file_over_the_limit_is_refused_from_its_declared_length(officer_client, settings):
    settings.BALAI_PAYMENTS_SETTLEMENT_MAX_BYTES = 1024
    body = b"x" * 200_000
    response = officer_client.generic("POST", UPLOAD, data=body, content_type="multipart/form-data; boundary=XYZ")
    assert response.status_code == 413
    assert "The file is larger than 1.0\xa0KB" in response.content.decode()
    assert SettlementBatch.objects.count() == 0
    event = AuditEvent.objects.get(action="settlement.refused")
    assert event.summary["code"] == "settlement_too_large" and event.summary["size"] == 200_000


def test_a_file_over_the_limit_is_cut_off_while_it_is_read(officer_client, settings):
    settings.BALAI_PAYMENTS_SETTLEMENT_MAX_BYTES = 2048
    data = csv_file(*(f"{day(yesterday_at(10))},9901000000000019,1000,R{n}" for n in range(200)))
    assert 2048 < len(data) < 2048 + 64 * 1024  # passes the header check, stopped by the upload handler
    response = upload(officer_client, data, name="harian.csv")
    assert response.status_code == 413 and SettlementBatch.objects.count() == 0
    event = AuditEvent.objects.get(action="settlement.refused")
    assert event.summary["code"] == "settlement_too_large" and event.summary["file_name"] == "harian.csv"


def test_the_upload_needs_the_csrf_token(officer):
    client = client_for(officer, enforce_csrf=True)
    response = upload(client, csv_file(f"{day(yesterday_at(10))},9901000000000019,1000,R"))
    assert response.status_code == 403 and SettlementBatch.objects.count() == 0


def test_the_upload_page_only_takes_posts(officer_client):
    assert officer_client.get(UPLOAD).status_code == 405


# --- Batch page ----------------------------------------------------------------------------------------------


def test_the_batch_page_escapes_what_the_bank_wrote(officer_client, reconciled):
    html = officer_client.get(reverse("reconciliation:batch", args=[reconciled.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "not in the file" in html  # the credited payment missing from the bank's file


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"outcome": "amount_mismatch"}, {SettlementOutcome.AMOUNT_MISMATCH}),
        ({"outcome": "discrepancies"}, set(SettlementOutcome.values) - {SettlementOutcome.MATCHED}),
        ({"outcome": "duplicate"}, {SettlementOutcome.DUPLICATE}),
        ({"q": "9901 9999 9999 9999"}, {SettlementOutcome.MISSING_IN_PLATFORM}),
        ({"q": "hyperlink"}, {SettlementOutcome.AMOUNT_MISMATCH}),
    ],
)
def test_the_lines_can_be_filtered(officer_client, reconciled, query, expected):
    response = officer_client.get(reverse("reconciliation:batch", args=[reconciled.pk]), query)
    assert response.status_code == 200
    shown = {row["line"].outcome for row in response.context["rows"]}
    assert shown == expected


def test_a_bad_filter_is_a_form_error_not_a_crash(officer_client, reconciled):
    response = officer_client.get(
        reverse("reconciliation:batch", args=[reconciled.pk]), {"outcome": "'; DROP TABLE x", "q": "x" * 500}
    )
    assert response.status_code == 400
    assert len(response.context["rows"]) == SettlementLine.objects.filter(batch=reconciled).count()


def test_a_nul_byte_in_the_filters_is_a_form_error(officer_client, reconciled):
    response = officer_client.get(
        reverse("reconciliation:batch", args=[reconciled.pk]), {"q": "VA\x00", "outcome": "\x00"}
    )
    assert response.status_code == 400
    export = officer_client.get(reverse("reconciliation:export", args=[reconciled.pk]), {"outcome": "\x00"})
    assert export.status_code == 200 and len(read_csv(export)) == 6


def test_list_and_batch_pages_keep_a_query_budget(officer_client, officer, django_assert_max_num_queries):
    date = day(yesterday_at(10))
    for n in range(3):
        bills = [make_bill() for _ in range(3)]
        for m, bill in enumerate(bills):
            credit(bill, transaction_id=f"VA-{n}-{m}")
        settlement_upload(
            actor=officer,
            file_name=f"{n}.csv",
            data=csv_file(*(f"{date},{bill.payment_code},150000,VA-{n}-{m}" for m, bill in enumerate(bills))),
        )
    officer_client.get(BATCHES)  # warm the session
    with django_assert_max_num_queries(12):
        assert officer_client.get(BATCHES).status_code == 200
    batch = SettlementBatch.objects.order_by("id").last()
    with django_assert_max_num_queries(14):
        response = officer_client.get(reverse("reconciliation:batch", args=[batch.pk]))
    assert response.status_code == 200 and len(response.context["rows"]) == 9


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pages_pass_the_accessibility_basics(officer, reconciled, language):
    client = client_for(officer, language=language)
    for url in (BATCHES, reverse("reconciliation:batch", args=[reconciled.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert_accessible(response.content.decode(), f"{url} ({language})")


# --- Export --------------------------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_discrepancies_export_is_safe_for_spreadsheets_and_audited(officer_client, officer, reconciled):
    response = officer_client.get(reverse("reconciliation:export", args=[reconciled.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="selisih-rekonsiliasi-{reconciled.pk}.csv"'
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[0] == "Line" and len(body) == 5  # every line but the matched one
    assert "Matched" not in {row[7] for row in body}
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), row
            assert not cell.startswith("-") or cell.lstrip("-").isdigit(), row
    references = {row[6] for row in body}
    assert '\'=HYPERLINK("http://evil.test";"klik")' in references
    assert "'@SUM(A1:A9)" in references
    mismatch = next(row for row in body if row[7] == "Amount differs")
    assert mismatch[3:6] == ["140000", "150000", "-10000"]
    event = AuditEvent.objects.get(action="settlement.exported")
    assert event.actor == officer and event.summary["rows"] == 5


def test_the_export_can_be_one_outcome_but_never_the_matched_lines(officer_client, reconciled):
    url = reverse("reconciliation:export", args=[reconciled.pk])
    body = read_csv(officer_client.get(url, {"outcome": "missing_in_bank"}))[1:]
    assert [row[7] for row in body] == ["Credited in the platform, not in the bank file"]
    assert body[0][0] == "" and body[0][3] == "" and body[0][4] == "150000"
    assert len(read_csv(officer_client.get(url, {"outcome": "matched"}))) == 6
    assert len(read_csv(officer_client.get(url, {"outcome": "<bogus>"}))) == 6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("VA-1", "VA-1"),
        ("", ""),
        (None, ""),
        (150000, 150000),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected
