"""Fixtures of the taxes tests: the regency 99.01 with two districts, the revenue agency (BAPENDA) and its staff,
the configuration loaded from the app's taxes.yaml, taxpayers and PBB-P2 objects.

``make_object(taxpayer, number=1, **fields)`` registers an object in district 010, village 001, block 001 with the
given object number; ``nop_for(number, district="010", village="001")`` gives the NOP digits."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from balai.accounts.tests.factories import UserFactory
from balai.organizations.models import District, OrganizationKind, Region, Role, Village
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory
from balai.taxes.models import TaxObject, Taxpayer, TaxpayerKind
from balai.taxes.services import load_tax_config, tax_object_create, taxpayer_register
from balai.web.tests.conftest import sign_in_verified

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _english_messages() -> Any:
    """The tests read the English messages of the services (pages are requested in the language they ask for)."""
    with translation.override("en"):
        yield


def nop_for(number: int, *, district: str = "010", village: str = "001", block: str = "001") -> str:
    return f"9901{district}{village}{block}{number:04d}0"


@pytest.fixture
def region(db: None) -> Region:
    region = Region.objects.create(code="99.01", name="Kabupaten Contoh", province="Provinsi Contoh")
    for district_code, villages in (("99.01.01", ("1001", "1002")), ("99.01.02", ("2001",))):
        district = District.objects.create(code=district_code, name=f"Kecamatan {district_code}")
        for village in villages:
            Village.objects.create(
                code=f"{district_code}.{village}", name=f"Desa {village}", kind="desa", district=district
            )
    return region


@pytest.fixture
def bapenda(db: None) -> Any:
    return OrganizationFactory(code="BAPENDA", name="Badan Pendapatan Daerah", kind=OrganizationKind.BADAN)


@pytest.fixture
def tax_config(db: None) -> None:
    load_tax_config()


@pytest.fixture
def tax_officer(bapenda: Any) -> Any:
    return MembershipFactory(organization=bapenda, role=Role.TAX_OFFICER).user


@pytest.fixture
def tax_head(bapenda: Any) -> Any:
    return MembershipFactory(organization=bapenda, role=Role.HEAD).user


@pytest.fixture
def other_staff(bapenda: Any) -> Any:
    """Staff of the revenue agency without a tax role, and staff of another agency: both refused."""
    return MembershipFactory(organization=bapenda, role=Role.VERIFIER).user


@pytest.fixture
def officer_client(tax_officer: Any) -> Client:
    return sign_in_verified(Client(), tax_officer)


@pytest.fixture
def owner(db: None) -> Any:
    return UserFactory(citizen=True, verified=True, full_name="Siti Rahmawati")


@pytest.fixture
def owner_client(owner: Any) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def setup(region: Region, bapenda: Any, tax_config: None) -> None:
    """Region, revenue agency and configuration together."""


@pytest.fixture
def taxpayer(setup: None, owner: Any) -> Taxpayer:
    return taxpayer_register(
        actor=None,
        name="Siti Rahmawati",
        kind=TaxpayerKind.INDIVIDUAL,
        address="Jl. Melati No. 12, RT 003/RW 004",
        accounts=[owner],
    )


@pytest.fixture
def business(setup: None, owner: Any) -> Taxpayer:
    return taxpayer_register(
        actor=None,
        name="Rumah Makan Sederhana",
        kind=TaxpayerKind.BUSINESS,
        address="Jl. Pasar Baru No. 3",
        tax_types=["PBJT-MAKAN", "PBJT-PARKIR"],
        accounts=[owner],
    )


@pytest.fixture
def make_object(setup: None) -> Callable[..., TaxObject]:
    def make(taxpayer: Taxpayer, number: int | None = None, **fields: Any) -> TaxObject:
        values = {
            "land_area_m2": 200,
            "building_area_m2": 100,
            "njop_land_per_m2": 1_000_000,
            "njop_building_per_m2": 2_000_000,
            "location": "Jl. Melati No. 12",
        }
        values.update(fields)
        nop = values.pop("nop", None) or nop_for(number or next(_numbers))
        return tax_object_create(actor=None, nop=nop, taxpayer=taxpayer, **values)

    return make


def close_case(case: Any, *, grant: bool = True) -> Any:
    """Take a case of the ``simple`` workflow to its end: approved (granted) or rejected."""
    from balai.cases.services import case_transition
    from balai.cases.tests.factories import staff_with_role

    verifier = staff_with_role(case.organization, Role.VERIFIER)
    approver = staff_with_role(case.organization, Role.APPROVER)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    if not grant:
        return case_transition(
            actor=verifier, case=case, transition="reject_at_verification", comment="Persyaratan tidak lengkap."
        )
    case = case_transition(actor=verifier, case=case, transition="forward_for_approval")
    return case_transition(actor=approver, case=case, transition="approve")


@pytest.fixture
def granted_case(setup: None) -> Callable[..., Any]:
    """``granted_case(service_code, answers, applicant=None, grant=True, **service_fields)``: a closed application."""
    from balai.cases.tests.factories import published_service, submitted_case

    def make(code: str, answers: dict[str, Any], *, applicant: Any = None, grant: bool = True, **fields: Any) -> Any:
        service = published_service(code=code, **fields)
        case = submitted_case(service=service, applicant=applicant or UserFactory(citizen=True), answers=answers)
        return close_case(case, grant=grant)

    return make


def pay(bill: Any, *, at: Any = None) -> Any:
    """Pay ``bill`` online through the payments app's crediting (as a provider's callback would)."""
    import uuid

    from django.utils import timezone

    from balai.payments.pricing import amount_due
    from balai.payments.providers.base import TransferReport
    from balai.payments.services.crediting import payment_record

    moment = at or timezone.now()
    report = TransferReport(
        transaction_id=uuid.uuid4().hex,
        amount=amount_due(bill, at=moment, online=True).total,
        currency="IDR",
        channel="virtual_account",
        paid_at=moment,
        payment_code=bill.payment_code,
    )
    return payment_record(provider="simulator", report=report)


def travel(moment: Any) -> Any:
    """Make ``timezone.now()`` answer ``moment`` (services read the time only through it)."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)
