"""/kantor/pajak/: tax officers and heads of the revenue agency only; lists with filters, paging and CSV/XLSX
export; registering taxpayers and objects; SPPT generation with its progress; arrears with the penalty of today."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.organizations.models import Role
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory
from balai.taxes.models import GenerationRun, TaxObject, Taxpayer
from balai.taxes.services import assessment_issue, tax_return_file
from balai.web.tests.conftest import sign_in_verified
from tests.test_accessibility_basics import assert_accessible

from .conftest import nop_for, travel

pytestmark = pytest.mark.django_db
JAKARTA = dt.timezone(dt.timedelta(hours=7))
LISTS = [
    "/kantor/pajak/",
    "/kantor/pajak/wajib-pajak/",
    "/kantor/pajak/wajib-pajak/baru/",
    "/kantor/pajak/objek/",
    "/kantor/pajak/objek/baru/",
    "/kantor/pajak/sppt/",
    "/kantor/pajak/sptpd/",
    "/kantor/pajak/tunggakan/",
]


@pytest.fixture
def world(taxpayer, business, make_object, tax_officer, owner):
    """Two SPPT (one overdue), a return, for the lists."""
    with travel(dt.datetime(2025, 3, 1, 10, tzinfo=JAKARTA)):
        old = assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, 61), year=2025)
    with travel(dt.datetime(2026, 3, 1, 10, tzinfo=JAKARTA)):
        new = assessment_issue(actor=tax_officer, tax_object=make_object(taxpayer, 62, land_area_m2=20), year=2026)
    with travel(dt.datetime(2026, 5, 20, 10, tzinfo=JAKARTA)):
        filed = tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=990)
    return old, new, filed


@pytest.mark.parametrize("url", LISTS)
def test_only_tax_officers_and_heads_of_the_revenue_agency_open_the_pages(
    url, setup, tax_officer, tax_head, other_staff
):
    assert Client().get(url).status_code == 302
    citizen = Client()
    citizen.force_login(UserFactory(citizen=True))
    assert citizen.get(url).status_code == 403
    elsewhere = MembershipFactory(organization=OrganizationFactory(), role=Role.TAX_OFFICER).user
    for refused in (other_staff, elsewhere):
        assert sign_in_verified(Client(), refused).get(url).status_code == 403
    for allowed in (tax_officer, tax_head):
        response = sign_in_verified(Client(), allowed).get(url)
        assert response.status_code == 200
        assert_accessible(response.content.decode(), url)


def test_lists_show_filter_and_page(officer_client, world, django_assert_max_num_queries):
    old, new, filed = world
    with django_assert_max_num_queries(15):
        html = officer_client.get("/kantor/pajak/sppt/", {"year": "2026"}).content.decode()
    assert "99.01.010.001.001.0062.0" in html and "0061" not in html
    html = officer_client.get("/kantor/pajak/objek/", {"nop": "99.01.010.001.001.0061"}).content.decode()
    assert "0061" in html and "0062" not in html
    html = officer_client.get("/kantor/pajak/wajib-pajak/", {"q": "Rumah Makan"}).content.decode()
    assert "Rumah Makan Sederhana" in html and "Siti Rahmawati" not in html
    html = officer_client.get("/kantor/pajak/sptpd/", {"late": "yes"}).content.decode()
    assert filed.taxpayer.npwpd in html
    assert officer_client.get("/kantor/pajak/sptpd/", {"late": "no"}).content.decode().count(filed.taxpayer.npwpd) == 0


def test_a_bad_filter_is_a_400_with_the_message(officer_client, world):
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = officer_client.get("/kantor/pajak/objek/", {"nop": "abc"})
    assert response.status_code == 400 and "Enter up to 18 digits" in response.content.decode()
    assert officer_client.get("/kantor/pajak/sppt/", {"year": "1800"}).status_code == 400
    assert officer_client.get("/kantor/pajak/tunggakan/", {"due_before": "31-31-2026"}).status_code == 400


def test_arrears_show_unpaid_bills_past_due_with_the_penalty_of_today(officer_client, world):
    old, new, filed = world
    with travel(dt.datetime(2026, 11, 2, 10, tzinfo=JAKARTA)):
        response = officer_client.get("/kantor/pajak/tunggakan/")
    html = response.content.decode()
    # SPPT 2025 (1,170,000, due 31 Aug 2025): 15 started months × 1 % = 175,500 penalty.
    assert old.bill.payment_code in html and "Rp 175.500" in html and "Rp 1.345.500" in html
    # SPPT 2026 (due 31 Aug 2026) is overdue too; the return (due 15 May 2026) as well.
    assert new.bill.payment_code in html and filed.bill.payment_code in html
    with travel(dt.datetime(2026, 11, 2, 10, tzinfo=JAKARTA)):
        only_pbb = officer_client.get("/kantor/pajak/tunggakan/", {"revenue_code": "PBB-P2"}).content.decode()
    assert filed.bill.payment_code not in only_pbb


def test_csv_export_has_every_filtered_row_and_is_audited(officer_client, world):
    # Without a year the list (and so the export) holds the latest year; an empty year means every year.
    latest = officer_client.get("/kantor/pajak/sppt/", {"format": "csv"})
    assert len(list(csv.reader(io.StringIO(b"".join(latest.streaming_content).decode("utf-8-sig"))))) == 2
    response = officer_client.get("/kantor/pajak/sppt/", {"format": "csv", "year": ""})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # header and two SPPT
    assert {row[1] for row in rows[1:]} == {"99.01.010.001.001.0061.0", "99.01.010.001.001.0062.0"}
    assert AuditEvent.objects.filter(action="tax.report_exported", summary__report="sppt-pbb").exists()


def test_csv_cells_are_not_formulas(officer_client, setup, tax_officer):
    from balai.taxes.services import taxpayer_register

    taxpayer_register(actor=tax_officer, name='=HYPERLINK("http://x")', kind="business")
    response = officer_client.get("/kantor/pajak/wajib-pajak/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_xlsx_export_is_a_workbook_with_the_rows(officer_client, world):
    response = officer_client.get("/kantor/pajak/objek/", {"format": "xlsx"})
    content = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in archive.namelist() else ""
    assert "99.01.010.001.001.0061.0" in sheet + strings


def test_registering_a_taxpayer_and_an_object_through_the_pages(officer_client, setup, owner):
    response = officer_client.post(
        "/kantor/pajak/wajib-pajak/baru/",
        {"name": "Budi Santoso", "kind": "individual", "address": "Jl. Kenanga 5", "account_email": owner.email},
    )
    taxpayer = Taxpayer.objects.get(name="Budi Santoso")
    assert response.status_code == 302 and response["Location"].endswith(f"/wajib-pajak/{taxpayer.npwpd}/")
    assert list(taxpayer.accounts.all()) == [owner]
    detail = officer_client.get(response["Location"])
    assert "Jl. Kenanga 5" in detail.content.decode()
    assert AuditEvent.objects.filter(action="tax.taxpayer_viewed", object_id=str(taxpayer.pk)).exists()
    response = officer_client.post(
        "/kantor/pajak/objek/baru/",
        {
            "nop": "99.01.020.001.001.0001.0",
            "npwpd": taxpayer.npwpd,
            "land_area_m2": "150",
            "building_area_m2": "0",
            "njop_land_per_m2": "800000",
            "njop_building_per_m2": "0",
        },
    )
    assert response.status_code == 302
    assert TaxObject.objects.get(nop="990102000100100010").njop == 120_000_000


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nop": "99.01.020.001.001.0001"}, "18 digits"),
        ({"nop": "32.01.020.001.001.0001.0"}, "code is 99.01"),
        ({"npwpd": "P.1.9999999.99.01"}, "No taxpayer has this NPWPD"),
        ({"land_area_m2": "-1"}, "greater than or equal to 1"),
        ({"land_area_m2": "1.5"}, "whole number"),
    ],
)
def test_a_bad_object_shows_the_error_and_stores_nothing(officer_client, taxpayer, changes, message):
    data = {
        "nop": "99.01.020.001.001.0001.0",
        "npwpd": taxpayer.npwpd,
        "land_area_m2": "150",
        "building_area_m2": "0",
        "njop_land_per_m2": "800000",
        "njop_building_per_m2": "0",
        **changes,
    }
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = officer_client.post("/kantor/pajak/objek/baru/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert_accessible(response.content.decode(), "/kantor/pajak/objek/baru/")
    assert not TaxObject.objects.exists()


def test_generating_a_year_shows_the_progress_bar(officer_client, taxpayer, make_object):
    for number in range(63, 66):
        make_object(taxpayer, number)
    response = officer_client.post("/kantor/pajak/sppt/buat/", {"generate-year": "2026"})
    run = GenerationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kantor/pajak/sppt/proses/{run.pk}/"
    page = officer_client.get(response["Location"])
    html = page.content.decode()
    assert_accessible(html, response["Location"])
    assert '<progress id="run-' in html and 'value="100"' in html and "http-equiv" not in html
    # A queued run reloads itself.
    queued = GenerationRun.objects.create(tax_type=run.tax_type, year=2027, total=3)
    html = officer_client.get(f"/kantor/pajak/sppt/proses/{queued.pk}/").content.decode()
    assert 'http-equiv="refresh"' in html and 'value="0"' in html
    assert officer_client.post("/kantor/pajak/sppt/buat/", {"generate-year": "2027"}).status_code == 409


def test_issuing_one_sppt_from_the_object_page(officer_client, taxpayer, make_object):
    obj = make_object(taxpayer, 66)
    url = f"/kantor/pajak/objek/{obj.nop}/"
    assert officer_client.post(url, {"year": "2026"}).status_code == 302
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = officer_client.post(url, {"year": "2026"})
    assert again.status_code == 409 and "already has its SPPT" in again.content.decode()


def test_unknown_records_are_404(officer_client, setup):
    assert officer_client.get("/kantor/pajak/wajib-pajak/P.1.9999999.99.01/").status_code == 404
    assert officer_client.get(f"/kantor/pajak/objek/{nop_for(99)}/").status_code == 404
    assert officer_client.get("/kantor/pajak/sppt/proses/999/").status_code == 404


@pytest.mark.parametrize("url", LISTS[1:2] + LISTS[3:4] + LISTS[5:])
def test_every_list_has_a_query_budget(
    officer_client, world, make_object, taxpayer, url, django_assert_max_num_queries
):
    for number in range(67, 77):
        make_object(taxpayer, number)
    with django_assert_max_num_queries(15):
        assert officer_client.get(url).status_code == 200
