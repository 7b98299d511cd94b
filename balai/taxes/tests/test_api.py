"""/api/v1/taxes: my taxes, filing a return, the arrears for tax staff; errors as the API's error body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.taxes.models import TaxReturn
from balai.taxes.services import assessment_issue
from balai.web.tests.conftest import sign_in_verified

from .conftest import travel

pytestmark = pytest.mark.django_db
JAKARTA = dt.timezone(dt.timedelta(hours=7))
MINE, RETURNS, ARREARS = "/api/v1/taxes/mine", "/api/v1/taxes/returns", "/api/v1/taxes/arrears"


def _client(user):
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def test_mine_lists_the_taxpayers_objects_sppt_and_returns(taxpayer, business, make_object, tax_officer, owner):
    obj = make_object(taxpayer, 71)
    with travel(dt.datetime(2026, 3, 1, 10, tzinfo=JAKARTA)):
        assessment_issue(actor=tax_officer, tax_object=obj, year=2026)
        body = _client(owner).get(MINE).json()
    assert {t["npwpd"] for t in body["taxpayers"]} == {taxpayer.npwpd, business.npwpd}
    assert [t["files_returns_for"] for t in body["taxpayers"] if t["kind"] == "business"] == [
        ["PBJT-MAKAN", "PBJT-PARKIR"]
    ]
    assert body["objects"][0]["nop_formatted"] == "99.01.010.001.001.0071.0"
    sppt = body["assessments"][0]
    assert sppt["amount"] == 1_170_000 and sppt["amount_today"] == {
        "base": 1_170_000,
        "discount": 58_500,
        "penalty": 0,
        "total": 1_111_500,
    }
    assert len(sppt["payment_code"]) == 16


def test_mine_needs_a_sign_in_and_shows_nothing_of_others(taxpayer):
    assert Client().get(MINE).status_code == 401
    body = _client(UserFactory(citizen=True)).get(MINE).json()
    assert body == {"taxpayers": [], "objects": [], "assessments": [], "returns": []}


def test_filing_a_return(business, owner):
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        response = _client(owner).post(
            RETURNS,
            {"npwpd": business.npwpd, "tax": "PBJT-MAKAN", "year": 2026, "month": 4, "turnover": 3_000_000},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == 300_000 and body["status"] == "unpaid" and not body["filed_late"]
    assert body["payment_code"] and body["amount_today"]["total"] == 300_000


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"turnover": -5}, 422, "turnover"),
        ({"turnover": 1.5}, 422, "turnover"),
        ({"turnover": "lima"}, 422, "turnover"),
        ({"turnover": 10**16}, 422, "turnover"),
        ({"month": 13}, 422, "month"),
        ({"month": 5}, 422, "month"),
        ({"tax": "PBJT-HOTEL"}, 422, "tax_type"),
        ({"npwpd": "P.1.9999999.99.01"}, 404, None),
        ({"npwpd": "x" * 30}, 422, "npwpd"),
    ],
)
def test_bad_returns_get_a_4xx_error_body_and_store_nothing(business, owner, changes, status, field):
    data = {"npwpd": business.npwpd, "tax": "PBJT-MAKAN", "year": 2026, "month": 4, "turnover": 100, **changes}
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        response = _client(owner).post(RETURNS, data, content_type="application/json")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    if field:
        assert any(field in name for name in error["fields"]), error
    assert not TaxReturn.objects.exists()


def test_a_second_return_for_the_month_is_409(business, owner):
    data = {"npwpd": business.npwpd, "tax": "PBJT-MAKAN", "year": 2026, "month": 4, "turnover": 100}
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        assert _client(owner).post(RETURNS, data, content_type="application/json").status_code == 201
        response = _client(owner).post(RETURNS, data, content_type="application/json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_filed"


def test_another_persons_npwpd_is_404(business):
    data = {"npwpd": business.npwpd, "tax": "PBJT-MAKAN", "year": 2026, "month": 4, "turnover": 100}
    response = _client(UserFactory(citizen=True)).post(RETURNS, data, content_type="application/json")
    assert response.status_code == 404


def test_arrears_for_tax_staff_only(taxpayer, make_object, tax_officer, other_staff, owner):
    with travel(dt.datetime(2025, 3, 1, 10, tzinfo=JAKARTA)):
        sppt = assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, 72), year=2025)
    with travel(dt.datetime(2026, 11, 2, 10, tzinfo=JAKARTA)):
        body = sign_in_verified(Client(), tax_officer).get(ARREARS, {"tax": "PBB-P2"}).json()
        refused = [
            sign_in_verified(Client(), other_staff).get(ARREARS).status_code,
            _client(owner).get(ARREARS).status_code,
        ]
    assert body["count"] == 1
    row = body["results"][0]
    assert row["payment_code"] == sppt.bill.payment_code and row["months_late"] == 15
    assert row["penalty"] == 175_500 and row["total"] == 1_345_500
    assert refused == [403, 403]
    assert Client().get(ARREARS).status_code == 401


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/taxes/mine", "/api/v1/taxes/returns", "/api/v1/taxes/arrears"} <= set(paths)
