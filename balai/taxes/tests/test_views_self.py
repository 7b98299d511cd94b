"""/saya/pajak/: a person's own taxes; /saya/pajak/sptpd/: filing a monthly return."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.taxes.models import TaxReturn
from balai.taxes.services import assessment_issue
from tests.test_accessibility_basics import assert_accessible

from .conftest import travel

pytestmark = pytest.mark.django_db
HOME, FILE = "/saya/pajak/", "/saya/pajak/sptpd/"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


def test_signing_in_is_required(client, setup):
    for url in (HOME, FILE):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/" in response["Location"]


def test_the_owner_sees_their_sppt_with_the_amount_due_today(
    owner_client, taxpayer, business, make_object, tax_officer
):
    obj = make_object(taxpayer, 51)
    with travel(dt.datetime(2026, 3, 1, 10, tzinfo=JAKARTA)):
        assessment_issue(actor=tax_officer, tax_object=obj, year=2026)
        response = owner_client.get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible(html, HOME)
    assert taxpayer.npwpd in html and business.npwpd in html
    assert "99.01.010.001.001.0051.0" in html and "Rp 1.170.000" in html and "Rp 1.111.500" in html
    assert FILE in html  # the business files returns


def test_another_person_sees_none_of_it(taxpayer, make_object, tax_officer):
    obj = make_object(taxpayer, 52)
    assessment_issue(actor=tax_officer, tax_object=obj, year=2026)
    client = Client()
    client.force_login(UserFactory(citizen=True))
    html = client.get(HOME).content.decode()
    assert taxpayer.npwpd not in html and "0052" not in html
    assert client.get(FILE).status_code == 403


def test_filing_a_return_through_the_page(owner_client, business):
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        page = owner_client.get(FILE)
        assert page.status_code == 200
        assert_accessible(page.content.decode(), FILE)
        response = owner_client.post(
            FILE,
            {"taxpayer": business.npwpd, "tax_type": "PBJT-MAKAN", "year": "2026", "month": "4", "turnover": "2500000"},
        )
    assert response.status_code == 302 and response["Location"] == HOME
    filed = TaxReturn.objects.get()
    assert filed.amount == 250_000 and filed.bill.payer.pk == business.accounts.get().pk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"turnover": "-100"}, "negative"),
        ({"turnover": "2.500.000"}, "without dots"),
        ({"turnover": "12,5"}, "without dots"),
        ({"turnover": ""}, "required"),
        ({"month": "13"}, "valid choice"),
        ({"month": "5"}, "after it has ended"),
        ({"tax_type": "PBJT-HOTEL"}, "valid choice"),
        ({"taxpayer": "P.1.9999999.99.01"}, "valid choice"),
    ],
)
def test_bad_filing_input_shows_an_error_and_stores_nothing(owner_client, business, changes, message):
    data = {"taxpayer": business.npwpd, "tax_type": "PBJT-MAKAN", "year": "2026", "month": "4", "turnover": "100"}
    data.update(changes)
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        response = owner_client.post(FILE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert_accessible(html, FILE)
    assert not TaxReturn.objects.exists()


def test_a_second_filing_for_the_month_says_how_to_correct_it(owner_client, business):
    data = {"taxpayer": business.npwpd, "tax_type": "PBJT-MAKAN", "year": "2026", "month": "4", "turnover": "100"}
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        owner_client.post(FILE, data)
        response = owner_client.post(FILE, data)
    assert response.status_code == 409 and "pembetulan" in response.content.decode()
    assert TaxReturn.objects.count() == 1


def test_the_page_has_a_query_budget(
    owner_client, taxpayer, business, make_object, tax_officer, django_assert_max_num_queries
):
    for number in range(53, 58):
        assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, number), year=2026)
    with django_assert_max_num_queries(20):
        assert owner_client.get(HOME).status_code == 200


def test_late_filing_overdue_and_late_payment_are_shown(owner_client, business, owner):
    from balai.taxes.services import tax_return_file

    from .conftest import pay

    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with travel(dt.datetime(2026, 6, 20, 10, tzinfo=JAKARTA)):
        late = tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=100)
        html = owner_client.get(HOME).content.decode()
    assert "filed late" in html and "overdue" in html
    with travel(dt.datetime(2026, 6, 21, 10, tzinfo=JAKARTA)):
        pay(late.bill)
        html = owner_client.get(HOME).content.decode()
    assert "paid late" in html and "overdue" not in html
