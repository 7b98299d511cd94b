"""/api/v1/payments: the payer's bills, the public look-up (amount only), instructions, the revenue report for
revenue staff (and API keys with the scope), error bodies in the one shape, query budgets."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.api.services import api_key_create
from balai.api.tests.conftest import signed_in
from balai.cases.tests.factories import staff_with_role
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.payments.models import PaymentInstruction
from balai.payments.services import bill_cancel

from .factories import make_bill, paid_bill

pytestmark = pytest.mark.django_db
BASE = "/api/v1/payments"


def test_my_bills_are_mine_only_unpaid_first(django_assert_max_num_queries):
    payer = UserFactory(citizen=True)
    paid = paid_bill(payer=payer)
    unpaid = [make_bill(payer=payer) for _ in range(5)]
    make_bill()
    client = signed_in(payer)
    with django_assert_max_num_queries(10):
        response = client.get(f"{BASE}/bills")
    data = response.json()
    assert response.status_code == 200 and data["count"] == 6
    codes = [item["payment_code"] for item in data["results"]]
    assert codes[-1] == paid.payment_code and set(codes[:5]) == {b.payment_code for b in unpaid}
    assert data["results"][0]["amount_due"]["total"] == 150_000 and data["results"][0]["pay_url"].startswith("/bayar/")


def test_my_bills_need_sign_in():
    response = Client().get(f"{BASE}/bills")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_public_bill_shows_the_amount_only():
    bill = make_bill(payer_name="Siti Nurhaliza", reference="SPPT-RAHASIA", online_discount_percent=5)
    response = Client().get(f"{BASE}/bills/{bill.payment_code}")
    data = response.json()
    assert response.status_code == 200
    assert data["amount_due"] == {"base": 150_000, "discount": 7_500, "penalty": 0, "total": 142_500}
    assert data["payable"] is True and data["status"] == "unpaid"
    text = response.content.decode()
    assert "Siti" not in text and "SPPT-RAHASIA" not in text and "Retribusi uji" not in text


@pytest.mark.parametrize("code", ["0000", "9901000000000000", "x" * 16])
def test_unknown_or_malformed_codes_are_404(code):
    response = Client().get(f"{BASE}/bills/{code}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_payment_code"


def test_create_an_instruction_without_sign_in():
    bill = make_bill()
    response = Client().post(
        f"{BASE}/bills/{bill.payment_code}/instructions", {"channel": "qris"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["channel"] == "qris" and data["amount"] == 150_000 and data["qr_payload"].startswith("000201")
    assert PaymentInstruction.objects.count() == 1


def test_instruction_bad_input_and_unpayable_bills():
    bill = make_bill()
    url = f"{BASE}/bills/{bill.payment_code}/instructions"
    wrong = Client().post(url, {"channel": "cash"}, content_type="application/json")
    assert wrong.status_code == 422 and "channel" in wrong.json()["error"]["fields"]
    assert Client().post(url, "not json", content_type="application/json").status_code in (400, 422)
    bill_cancel(actor=None, bill=bill, reason="Salah tagih")
    gone = Client().post(url, {"channel": "qris"}, content_type="application/json")
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "bill_cancelled"
    assert not PaymentInstruction.objects.exists()


@pytest.fixture
def bapenda():
    return OrganizationFactory(code="BAPENDA")


def test_revenue_report_for_revenue_staff(bapenda):
    paid_bill()
    paid_bill()
    client = signed_in(staff_with_role(bapenda, Role.TAX_OFFICER), otp=True)
    data = client.get(f"{BASE}/reports/revenue").json()
    assert data["payments"] == 2 and data["gross"] == 300_000 and data["net"] == 300_000
    assert data["rows"][0]["revenue_code"] == "RETRIBUSI-UJI"


def test_revenue_report_refused_to_others_and_keys_need_the_scope(bapenda):
    assert signed_in(UserFactory(citizen=True)).get(f"{BASE}/reports/revenue").status_code == 403
    verifier = staff_with_role(bapenda, Role.VERIFIER)
    assert signed_in(verifier, otp=True).get(f"{BASE}/reports/revenue").status_code == 403
    officer = staff_with_role(bapenda, Role.TAX_OFFICER)
    _key, raw = api_key_create(actor=None, owner=officer, name="laporan", scopes=())
    assert Client().get(f"{BASE}/reports/revenue", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    _key, raw = api_key_create(actor=None, owner=officer, name="laporan2", scopes=("payments:reports",))
    assert Client().get(f"{BASE}/reports/revenue", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_revenue_report_bad_dates(bapenda):
    client = signed_in(staff_with_role(bapenda, Role.TAX_OFFICER), otp=True)
    assert client.get(f"{BASE}/reports/revenue", {"start": "2026-05-02", "end": "2026-05-01"}).status_code == 422
    assert client.get(f"{BASE}/reports/revenue", {"start": "2020-01-01", "end": "2026-01-01"}).status_code == 422
    assert client.get(f"{BASE}/reports/revenue", {"start": "kemarin"}).status_code == 422


def test_the_endpoints_are_in_the_openapi_document():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/payments/bills",
        "/api/v1/payments/bills/{code}",
        "/api/v1/payments/bills/{code}/instructions",
        "/api/v1/payments/callbacks/{provider}",
        "/api/v1/payments/reports/revenue",
    ):
        assert path in paths, path
    callback = paths["/api/v1/payments/callbacks/{provider}"]["post"]
    assert "requestBody" in callback
    assert {p["name"] for p in callback["parameters"]} >= {"X-Balai-Signature", "X-Balai-Timestamp", "provider"}
