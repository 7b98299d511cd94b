"""Taxpayers (NPWPD, accounts, registration through the NPWPD service) and PBB-P2 objects."""

from __future__ import annotations

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory
from balai.taxes.models import TaxObject, Taxpayer, TaxpayerAccount, TaxpayerKind
from balai.taxes.services import (
    tax_object_create,
    tax_object_update,
    taxpayer_link_account,
    taxpayer_register,
    taxpayer_update,
)

from .conftest import nop_for

pytestmark = pytest.mark.django_db

NPWPD_ANSWERS = {
    "business_name": "Warung Makan Bu Siti",
    "tax_type": "PBJT-MAKAN",
    "business_address": "Jl. Pasar Baru No. 7, Kota Lama",
    "npwp": "01.234.567.8-901.000",
}


def test_tax_staff_register_a_taxpayer_with_the_next_npwpd(setup, tax_officer, owner):
    first = taxpayer_register(actor=tax_officer, name="  Siti   Rahmawati ", kind="individual", accounts=[owner])
    second = taxpayer_register(
        actor=tax_officer, name="CV Maju", kind="business", address="Jl. Merdeka 1", tax_types=["PBJT-HOTEL"]
    )
    assert first.npwpd == "P.1.0000001.99.01" and first.name == "Siti Rahmawati"
    assert second.npwpd == "B.2.0000002.99.01"
    assert list(second.tax_types.values_list("code", flat=True)) == ["PBJT-HOTEL"]
    assert list(first.accounts.all()) == [owner]
    event = AuditEvent.objects.filter(action="tax.taxpayer_registered").latest("id")
    assert event.summary["npwpd"] == "B.2.0000002.99.01" and "address" not in event.summary


def test_the_address_is_encrypted_at_rest(taxpayer):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM taxes_taxpayer WHERE id = %s", [taxpayer.pk])
        (stored,) = cursor.fetchone()
    assert "Melati" not in stored and stored.startswith("gAAAAA")
    assert Taxpayer.objects.get(pk=taxpayer.pk).address == "Jl. Melati No. 12, RT 003/RW 004"


def test_a_failed_registration_gives_its_number_back(setup, tax_officer):
    with pytest.raises(ValidationFailed):
        taxpayer_register(actor=tax_officer, name="A", kind="individual", tax_types=["NOT-A-TAX"])
    with pytest.raises(ValidationFailed):
        taxpayer_register(actor=tax_officer, name="A", kind="individual", npwp="123")
    assert taxpayer_register(actor=tax_officer, name="B", kind="individual").npwpd == "P.1.0000001.99.01"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Nama\x00"}, "name"),
        ({"kind": "company"}, "kind"),
        ({"address": "x" * 501}, "address"),
        ({"npwp": "12345"}, "npwp"),
        ({"tax_types": ["PBB-X"]}, "tax_types"),
    ],
)
def test_bad_registration_input_is_refused_and_nothing_is_stored(setup, tax_officer, fields, field):
    values = {"name": "Siti", "kind": "individual", **fields}
    with pytest.raises(ValidationFailed) as caught:
        taxpayer_register(actor=tax_officer, **values)
    assert field in caught.value.fields
    assert not Taxpayer.objects.exists()


def test_only_tax_staff_of_the_revenue_agency_register(setup, owner, other_staff):
    elsewhere = MembershipFactory(organization=OrganizationFactory(), role=Role.TAX_OFFICER).user
    for actor in (owner, other_staff, elsewhere):
        with pytest.raises(PermissionDenied):
            taxpayer_register(actor=actor, name="Siti", kind="individual")
    assert not Taxpayer.objects.exists()


def test_linking_an_account_is_idempotent_and_audited(taxpayer, tax_officer):
    other = UserFactory(citizen=True)
    link = taxpayer_link_account(actor=tax_officer, taxpayer=taxpayer, user=other)
    assert taxpayer_link_account(actor=tax_officer, taxpayer=taxpayer, user=other) == link
    assert TaxpayerAccount.objects.filter(taxpayer=taxpayer).count() == 2
    assert AuditEvent.objects.filter(action="tax.taxpayer_account_linked").count() == 1
    with pytest.raises(PermissionDenied):
        taxpayer_link_account(actor=other, taxpayer=taxpayer, user=other)


def test_updating_a_taxpayer_audits_what_changed_but_not_the_address(taxpayer, tax_officer):
    taxpayer_update(actor=tax_officer, taxpayer=taxpayer, name="Siti R.", address="Jl. Baru 1", is_active=True)
    event = AuditEvent.objects.filter(action="tax.taxpayer_updated").get()
    assert event.summary == {"changed": ["name", "address"]}
    assert Taxpayer.objects.get(pk=taxpayer.pk).address == "Jl. Baru 1"


# --- Registration through the NPWPD service -------------------------------------------------------------


def test_a_granted_npwpd_application_registers_the_business_once(granted_case, bapenda):
    applicant = UserFactory(citizen=True, full_name="Siti Rahmawati")
    case = granted_case("NPWPD", NPWPD_ANSWERS, applicant=applicant, owner=bapenda)
    taxpayer = Taxpayer.objects.get(registration_case=case)
    assert taxpayer.name == "Warung Makan Bu Siti" and taxpayer.kind == TaxpayerKind.BUSINESS
    assert taxpayer.npwpd.startswith("B.2.") and taxpayer.npwp == "012345678901000"
    assert taxpayer.address == "Jl. Pasar Baru No. 7, Kota Lama"
    assert list(taxpayer.tax_types.values_list("code", flat=True)) == ["PBJT-MAKAN"]
    assert list(taxpayer.accounts.all()) == [applicant]
    # The consumer may run again (a retried task): nothing new.
    from balai.taxes.services import register_from_case

    assert register_from_case(case_id=case.pk) == "already_registered"
    assert Taxpayer.objects.count() == 1


def test_a_rejected_or_other_application_registers_nobody(granted_case, bapenda):
    granted_case("NPWPD", NPWPD_ANSWERS, owner=bapenda, grant=False)
    granted_case("SKTM", NPWPD_ANSWERS, owner=bapenda)
    assert not Taxpayer.objects.exists()


def test_a_malformed_optional_npwp_does_not_hold_up_the_registration(granted_case, bapenda):
    case = granted_case("NPWPD", {**NPWPD_ANSWERS, "npwp": "bukan npwp"}, owner=bapenda)
    assert Taxpayer.objects.get(registration_case=case).npwp == ""


def test_bad_case_ids_are_ignored(db):
    from balai.taxes.services import register_from_case

    assert register_from_case(case_id="x") == "no_case"
    assert register_from_case(case_id=None) == "no_case"
    assert register_from_case(case_id=999999) == "no_case"


# --- Tax objects ------------------------------------------------------------------------------------------


def test_an_object_gets_its_njop_from_areas_and_values(taxpayer, tax_officer):
    obj = tax_object_create(
        actor=tax_officer,
        nop="99.01.010.001.001.0007.0",
        taxpayer=taxpayer,
        location="Jl. Melati 12",
        land_area_m2="250",
        building_area_m2=120,
        njop_land_per_m2=1_500_000,
        njop_building_per_m2="2000000",
    )
    assert obj.nop == "990101000100100070" and obj.formatted_nop == "99.01.010.001.001.0007.0"
    assert obj.njop == 250 * 1_500_000 + 120 * 2_000_000
    assert AuditEvent.objects.filter(action="tax.object_registered", object_id=str(obj.pk)).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"nop": "99010100010010007"}, "nop"),  # 17 digits
        ({"nop": "9901010001001000700"}, "nop"),  # 19 digits
        ({"nop": "99.01.010.001.001.000A.0"}, "nop"),
        ({"nop": "320101000100100070"}, "nop"),  # another regency
        ({"nop": nop_for(7, district="090")}, "nop"),  # no such district
        ({"land_area_m2": 0}, "land_area_m2"),
        ({"land_area_m2": -5}, "land_area_m2"),
        ({"land_area_m2": "12.5"}, "land_area_m2"),
        ({"land_area_m2": 10**12}, "land_area_m2"),
        ({"njop_land_per_m2": 0}, "njop_land_per_m2"),
        ({"building_area_m2": 50, "njop_building_per_m2": 0}, "njop_building_per_m2"),
        ({"location": "x" * 301}, "location"),
    ],
)
def test_bad_object_input_is_refused_and_nothing_is_stored(taxpayer, tax_officer, values, field):
    data = {
        "nop": nop_for(7),
        "land_area_m2": 100,
        "building_area_m2": 0,
        "njop_land_per_m2": 1_000_000,
        "njop_building_per_m2": 0,
        **values,
    }
    with pytest.raises(ValidationFailed) as caught:
        tax_object_create(actor=tax_officer, taxpayer=taxpayer, **data)
    assert field in caught.value.fields
    assert not TaxObject.objects.exists()


def test_a_nop_is_registered_once(taxpayer, make_object, tax_officer):
    make_object(taxpayer, 8)
    with pytest.raises(Conflict) as caught:
        make_object(taxpayer, 8)
    assert caught.value.code == "nop_taken"


def test_changing_an_object_recomputes_its_njop_and_audits_the_change(taxpayer, make_object, tax_officer):
    obj = make_object(taxpayer, 9)
    changed = tax_object_update(
        actor=tax_officer,
        tax_object=obj,
        taxpayer=taxpayer,
        location="Jl. Melati 12A",
        is_active=True,
        land_area_m2=300,
        building_area_m2=100,
        njop_land_per_m2=1_000_000,
        njop_building_per_m2=2_000_000,
    )
    assert changed.njop == 300 * 1_000_000 + 100 * 2_000_000
    event = AuditEvent.objects.filter(action="tax.object_changed").get()
    assert event.summary["changed"]["land_area_m2"] == [200, 300]


def test_the_database_refuses_an_njop_that_is_not_the_product(taxpayer, make_object):
    from django.db import IntegrityError, transaction

    obj = make_object(taxpayer, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxObject.objects.filter(pk=obj.pk).update(njop=1)
