"""Lists read a fixed number of queries whatever their length (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.accounts.tests.factories import UserFactory
from balai.api.tests.conftest import signed_in
from balai.cases.tests.factories import staff_with_role
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

from .conftest import sign
from .factories import make_bill, paid_bill
from .test_callbacks import paid_body, post

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def test_my_bills_page_and_api_do_not_grow_with_the_rows():
    payer = UserFactory(citizen=True)
    paid_bill(payer=payer)
    make_bill(payer=payer)
    client = signed_in(payer)
    count(client, "/saya/tagihan/")
    few_page, few_api = count(client, "/saya/tagihan/"), count(client, "/api/v1/payments/bills")
    for _ in range(6):
        make_bill(payer=payer)
        paid_bill(payer=payer)
    assert count(client, "/saya/tagihan/") == few_page <= 10
    assert count(client, "/api/v1/payments/bills") == few_api <= 8


def test_revenue_page_does_not_grow_with_the_rows():
    bapenda = OrganizationFactory(code="BAPENDA")
    client = signed_in(staff_with_role(bapenda, Role.TAX_OFFICER), otp=True)

    def flag_one():
        bill = make_bill()
        body = paid_body(bill, amount=1, transaction_id=f"F-{bill.pk}")
        post(body, sign(body))

    paid_bill()
    flag_one()
    count(client, "/kantor/pendapatan/")  # the first request of a session also stores the session
    few = count(client, "/kantor/pendapatan/")
    for _ in range(5):
        paid_bill()
        flag_one()
    assert count(client, "/kantor/pendapatan/") == few <= 20
