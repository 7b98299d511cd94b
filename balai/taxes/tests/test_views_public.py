"""/pajak/cek-tagihan/: the unpaid PBB-P2 of a NOP, the amount only; the same answer for unknown and paid-off NOPs;
rate limited per address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from balai.taxes.services import assessment_issue
from tests.test_accessibility_basics import assert_accessible

from .conftest import nop_for, pay, travel

pytestmark = pytest.mark.django_db
URL = "/pajak/cek-tagihan/"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def sppt(taxpayer, make_object, tax_officer):
    obj = make_object(taxpayer, 41)
    with travel(dt.datetime(2026, 3, 1, 10, tzinfo=JAKARTA)):
        return assessment_issue(actor=tax_officer, tax_object=obj, year=2026)


def test_the_form_opens_and_is_accessible(client, setup):
    response = client.get(URL)
    assert response.status_code == 200
    assert_accessible(response.content.decode(), URL)


def test_an_unpaid_sppt_shows_year_amount_due_today_and_due_date_only(client, sppt, taxpayer):
    with travel(dt.datetime(2026, 3, 2, 10, tzinfo=JAKARTA)):
        response = client.get(URL, {"nop": "99.01.010.001.001.0041.0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible(html, URL)
    # 1,170,000 less the online discount of 5 % before the due date = 1,111,500
    assert "2026" in html and "Rp 1.111.500" in html
    assert taxpayer.name not in html and "Melati" not in html and sppt.bill.payment_code not in html
    assert response["Cache-Control"] == "no-store"


def test_after_the_due_date_the_interest_is_included(client, sppt):
    with travel(dt.datetime(2026, 10, 5, 10, tzinfo=JAKARTA)):
        response = client.get(URL, {"nop": nop_for(41)})
    # Two started months after 31 August: 1,170,000 + 2 % = 1,193,400
    assert "Rp 1.193.400" in response.content.decode()


def test_unknown_and_paid_off_nops_get_the_same_answer(client, sppt, make_object, taxpayer):
    pay(sppt.bill)
    paid_off = client.get(URL, {"nop": nop_for(41)}).content.decode()
    unknown = client.get(URL, {"nop": nop_for(42)}).content.decode()

    def strip(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace("0041", "####").replace("0042", "####")

    assert strip(paid_off) == strip(unknown)
    assert "No unpaid PBB-P2 was found" in paid_off or "Tidak ditemukan" in paid_off


@pytest.mark.parametrize(
    "value", ["9901010001001004", "99010100010010004100", "abc", "<script>x</script>", "320101000100100410"]
)
def test_a_malformed_or_foreign_nop_is_a_form_error(client, setup, value):
    response = client.get(URL, {"nop": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert_accessible(html, URL)


def test_attempts_are_limited_per_address(client, setup, settings):
    settings.BALAI_TAX_CHECK_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(URL, {"nop": nop_for(1)}).status_code == 200
    assert client.get(URL, {"nop": nop_for(1)}).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(URL, {"nop": nop_for(1)}).status_code == 200


def test_the_check_costs_a_fixed_number_of_queries(client, sppt, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(URL, {"nop": nop_for(41)})
