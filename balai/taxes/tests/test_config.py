"""The configuration: loaded from taxes.yaml once (administrators' edits survive), every number checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.taxes.models import LevyType, TaxType
from balai.taxes.services import load_tax_config, tax_type_save
from balai.taxes.services.config import levy_type_save

pytestmark = pytest.mark.django_db


def test_loading_creates_every_tax_and_levy_with_the_numbers_of_the_file():
    result = load_tax_config()
    assert "PBB-P2" in result.created and "RETRIBUSI-SAMPAH" in result.created
    pbb = TaxType.objects.get(code="PBB-P2")
    assert pbb.rate_percent == Decimal("0.3") and pbb.njoptkp == 10_000_000 and pbb.minimum_tax == 20_000
    assert pbb.due_rule == {"month": 8, "day": 31} and pbb.online_discount_percent == Decimal("5")
    assert pbb.penalty_percent_per_month == Decimal("1") and pbb.penalty_max_months == 24
    assert pbb.assessment == "official" and pbb.object_label == "NOP"
    reklame = TaxType.objects.get(code="REKLAME")
    assert reklame.tariffs == {"nsr_per_m2_month": {"papan": 50000, "kain": 15000, "led": 150000, "selebaran": 5000}}
    assert TaxType.objects.get(code="BPHTB").tariffs == {"npoptkp": 80_000_000}
    sampah = LevyType.objects.get(code="RETRIBUSI-SAMPAH")
    assert sampah.tariffs == {"tariff": {"rumah_tangga": 15000, "usaha_kecil": 50000, "usaha_besar": 250000}}
    assert LevyType.objects.get(code="RETRIBUSI-PBG").fee_rule == "retribusi_pbg"
    assert AuditEvent.objects.filter(action="tax.config_saved").count() == TaxType.objects.count()


def test_loading_again_changes_nothing_and_keeps_an_administrators_edit():
    load_tax_config()
    pbb = TaxType.objects.get(code="PBB-P2")
    pbb.rate_percent = Decimal("0.2")
    tax_type_save(actor=None, tax_type=pbb)
    events = AuditEvent.objects.count()
    result = load_tax_config()
    assert result.created == [] and "PBB-P2" in result.kept
    assert TaxType.objects.get(code="PBB-P2").rate_percent == Decimal("0.2")
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate_percent", Decimal("-1")),
        ("rate_percent", Decimal("101")),
        ("online_discount_percent", Decimal("150")),
        ("due_rule", {"month": 2, "day": 30}),
        ("due_rule", {}),
        ("tariffs", {"nsr": -5}),
        ("tariffs", {"nsr": {"papan": "lima"}}),
        ("tariffs", ["a"]),
        ("njoptkp", None),
        ("penalty_max_months", 0),
        ("code", "pbb p2"),
    ],
)
def test_an_invalid_number_is_refused_and_nothing_is_saved(field, value):
    load_tax_config()
    pbb = TaxType.objects.get(code="PBB-P2")
    setattr(pbb, field, value)
    with pytest.raises(ValidationFailed) as caught:
        tax_type_save(actor=None, tax_type=pbb)
    assert field in caught.value.fields
    assert TaxType.objects.get(code="PBB-P2").rate_percent == Decimal("0.3")


def test_only_administrators_change_the_configuration():
    load_tax_config()
    levy = LevyType.objects.get(code="RETRIBUSI-SAMPAH")
    with pytest.raises(PermissionDenied):
        levy_type_save(actor=UserFactory(staff=True), levy_type=levy)
    levy.tariffs = {"tariff": {"rumah_tangga": 20000}}
    levy_type_save(actor=UserFactory(superuser=True), levy_type=levy)
    assert LevyType.objects.get(code="RETRIBUSI-SAMPAH").tariffs == {"tariff": {"rumah_tangga": 20000}}
