"""Fee rules with the demo numbers of services.yaml (Decimal arithmetic, whole rupiah)."""

import pytest

from balai.core.exceptions import ValidationFailed
from balai.services.fees import compute_fee, known_rules
from balai.services.models import FeeKind, FeeRuleConfig
from balai.services.templatetags.services_tags import rupiah

from .factories import ServiceFactory

pytestmark = pytest.mark.django_db

PBG = {
    "unit_price_per_m2": 10000,
    "index_by_function": {"hunian": 0.15, "usaha": 0.70, "sosial_budaya": 0.30, "khusus": 1.00, "campuran": 0.60},
    "minimum": 100000,
    "inputs": ["floor_area_m2", "building_function"],
}
KIR = {"table": {"mobil_penumpang": 60000, "mobil_bus": 85000, "mobil_barang": 90000, "kereta_gandengan": 95000}}


@pytest.fixture
def rules():
    FeeRuleConfig.objects.create(code="retribusi_pbg", config=PBG)
    FeeRuleConfig.objects.create(code="retribusi_uji_kir", config=KIR)


def test_free_and_fixed():
    assert compute_fee(ServiceFactory.build(fee_kind=FeeKind.FREE), {}) == 0
    assert compute_fee(ServiceFactory.build(fee_kind=FeeKind.FIXED, fee_amount=75000), {}) == 75000


@pytest.mark.parametrize(
    ("area", "function", "expected"),
    [
        (120, "hunian", 180000),  # 120 × 0.15 × 10,000
        ("250.5", "usaha", 1753500),  # decimals as text, exact
        (50, "hunian", 100000),  # 75,000 is under the minimum
        ("33.33", "khusus", 333300),
        ("0.07", "campuran", 100000),
    ],
)
def test_retribusi_pbg(rules, area, function, expected):
    service = ServiceFactory.build(fee_kind=FeeKind.RULE, fee_rule="retribusi_pbg")
    assert compute_fee(service, {"floor_area_m2": area, "building_function": function}) == expected


def test_retribusi_pbg_rounds_half_up_to_whole_rupiah(rules):
    FeeRuleConfig.objects.filter(code="retribusi_pbg").update(config={**PBG, "minimum": 0, "unit_price_per_m2": 3})
    service = ServiceFactory.build(fee_kind=FeeKind.RULE, fee_rule="retribusi_pbg")
    # 1.5 × 0.15 × 3 = 0.675 → 1; floats would give 0.6749999…
    assert compute_fee(service, {"floor_area_m2": "1.5", "building_function": "hunian"}) == 1


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"building_function": "hunian"}, "floor_area_m2"),
        ({"floor_area_m2": "banyak", "building_function": "hunian"}, "floor_area_m2"),
        ({"floor_area_m2": -5, "building_function": "hunian"}, "floor_area_m2"),
        ({"floor_area_m2": "NaN", "building_function": "hunian"}, "floor_area_m2"),
        ({"floor_area_m2": 10, "building_function": "istana"}, "building_function"),
    ],
)
def test_retribusi_pbg_bad_answers(rules, answers, field):
    service = ServiceFactory.build(fee_kind=FeeKind.RULE, fee_rule="retribusi_pbg")
    with pytest.raises(ValidationFailed) as info:
        compute_fee(service, answers)
    assert field in info.value.fields


@pytest.mark.parametrize(("vehicle", "expected"), [("mobil_penumpang", 60000), ("kereta_gandengan", 95000)])
def test_retribusi_uji_kir(rules, vehicle, expected):
    service = ServiceFactory.build(fee_kind=FeeKind.RULE, fee_rule="retribusi_uji_kir")
    assert compute_fee(service, {"vehicle_type": vehicle}) == expected
    with pytest.raises(ValidationFailed):
        compute_fee(service, {"vehicle_type": "pesawat"})


def test_a_changed_tariff_is_data_not_code(rules):
    FeeRuleConfig.objects.filter(code="retribusi_uji_kir").update(config={"table": {"mobil_penumpang": 65000}})
    service = ServiceFactory.build(fee_kind=FeeKind.RULE, fee_rule="retribusi_uji_kir")
    assert compute_fee(service, {"vehicle_type": "mobil_penumpang"}) == 65000


def test_rule_without_configuration_is_unknown_not_zero():
    service = ServiceFactory.build(fee_kind=FeeKind.RULE, fee_rule="retribusi_pbg")
    assert compute_fee(service, {"floor_area_m2": 100, "building_function": "hunian"}) is None
    assert set(known_rules()) >= {"retribusi_pbg", "retribusi_uji_kir"}


@pytest.mark.parametrize(("amount", "text"), [(100000, "Rp 100.000"), (0, "Rp 0"), (1753500, "Rp 1.753.500")])
def test_rupiah_format(amount, text):
    assert rupiah(amount) == text
