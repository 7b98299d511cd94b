"""The demo loader, the management commands and the admin (configuration through the services, the rest read only)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.taxes.models import Assessment, GenerationRun, LevyCharge, TaxObject, Taxpayer, TaxReturn, TaxType
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(settings, tmp_path):
    from balai.demo.loader import load_demo

    load_demo(credentials_dir=tmp_path)


def test_the_demo_loads_once_with_bills(demo_world):
    from balai.taxes.demo import load_tax_demo

    counts = load_tax_demo()
    assert counts == {"taxpayers": 4, "tax objects": 4, "SPPT": 4, "tax returns": 1}
    siti = Taxpayer.objects.get(name="Siti Rahmawati")
    assert siti.accounts.get().email == "siti.rahmawati@contoh.example"
    assert Assessment.objects.filter(taxpayer=siti).count() == 2
    assert TaxReturn.objects.get().bill.payer.email == "budi.santoso@contoh.example"
    assert load_tax_demo() == {"taxpayers": 0, "tax objects": 0, "SPPT": 0, "tax returns": 0}


def test_sppt_generate_command_shows_progress_and_is_idempotent(taxpayer, make_object):
    for number in range(81, 86):
        make_object(taxpayer, number)
    out = io.StringIO()
    call_command("sppt_generate", "--year", "2026", "--batch-size", "2", stdout=out)
    assert "5 created" in out.getvalue()
    assert Assessment.objects.filter(year=2026).count() == 5
    again = io.StringIO()
    call_command("sppt_generate", "--year", "2026", "--quiet", stdout=again)
    assert "0 created, 5 skipped" in again.getvalue()
    assert GenerationRun.objects.filter(status="completed").count() == 2


def test_sppt_generate_resumes_the_years_active_run(taxpayer, make_object):
    from balai.taxes.services import generation_request

    make_object(taxpayer, 86)
    run = generation_request(actor=None, year=2026, enqueue=False)
    call_command("sppt_generate", "--year", "2026", "--quiet", stdout=io.StringIO())
    run.refresh_from_db()
    assert run.status == "completed" and GenerationRun.objects.count() == 1


def test_sppt_generate_refuses_bad_input(setup):
    with pytest.raises(CommandError):
        call_command("sppt_generate", "--year", "1900", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("sppt_generate", "--year", "2026", "--batch-size", "0", stdout=io.StringIO())


def test_levy_generate_command(granted_case):
    granted_case("SAMPAH", {"customer_type": "rumah_tangga"}, extra={"creates_levy": "RETRIBUSI-SAMPAH"})
    out = io.StringIO()
    call_command("levy_generate", "--period", "2099-01", stdout=out)
    assert "1 charges made" in out.getvalue() and LevyCharge.objects.filter(period_year=2099).count() == 1
    with pytest.raises(CommandError):
        call_command("levy_generate", "--period", "2026-13", stdout=io.StringIO())


@pytest.fixture
def admin_client(setup):
    client = sign_in_verified(Client(), UserFactory(superuser=True))
    client.cookies["balai_language"] = "en"
    return client


def test_the_admin_edits_the_configuration_through_the_service(admin_client):
    pbb = TaxType.objects.get(code="PBB-P2")
    url = f"/admin/taxes/taxtype/{pbb.pk}/change/"
    assert admin_client.get(url).status_code == 200
    data = {
        "name": pbb.name,
        "assessment": "official",
        "period": "yearly",
        "rate_percent": "0.25",
        "njoptkp": "12000000",
        "minimum_tax": "25000",
        "due_rule": '{"month": 9, "day": 30}',
        "online_discount_percent": "5",
        "penalty_percent_per_month": "1",
        "penalty_max_months": "24",
        "tariffs": "{}",
        "object_label": "NOP",
        "is_active": "on",
    }
    assert admin_client.post(url, data).status_code == 302
    pbb.refresh_from_db()
    assert pbb.rate_percent == Decimal("0.25") and pbb.due_rule == {"month": 9, "day": 30}
    assert AuditEvent.objects.filter(action="tax.config_saved", object_id=str(pbb.pk)).exists()
    bad = admin_client.post(url, {**data, "due_rule": '{"month": 2, "day": 30}', "rate_percent": "0.5"})
    assert bad.status_code == 200 and "does not exist in month 2" in bad.content.decode()
    pbb.refresh_from_db()
    assert pbb.rate_percent == Decimal("0.25")


def test_taxpayers_are_read_only_in_the_admin_and_hide_the_address(admin_client, taxpayer):
    assert admin_client.get("/admin/taxes/taxpayer/").status_code == 200
    page = admin_client.get(f"/admin/taxes/taxpayer/{taxpayer.pk}/change/").content.decode()
    assert "Melati" not in page
    assert admin_client.get("/admin/taxes/taxpayer/add/").status_code == 403
    assert TaxObject.objects.count() == 0
