"""Fees of a service: free, a fixed amount, or a named fee rule (retribusi) whose numbers live in
``FeeRuleConfig`` so that a new regional regulation changes data, not code. Money is whole rupiah, computed
with ``Decimal`` (never floats)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from balai.core.exceptions import ValidationFailed

RuleFunction = Callable[[Mapping[str, Any], Mapping[str, Any]], Decimal]
_rules: dict[str, RuleFunction] = {}


def fee_rule(code: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register the formula of the named fee rule ``code``."""

    def decorate(function: RuleFunction) -> RuleFunction:
        _rules[code] = function
        return function

    return decorate


def known_rules() -> list[str]:
    return sorted(_rules)


def _decimal(value: Any, *, field: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationFailed(fields={field: [_("Enter a number.")]})
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={field: [_("Enter a number.")]}) from None
    if not number.is_finite() or number < 0:
        raise ValidationFailed(fields={field: [_("Enter a number that is zero or more.")]})
    return number


def _required(answers: Mapping[str, Any], field: str) -> Any:
    value = answers.get(field)
    if value is None or value == "":
        raise ValidationFailed(fields={field: [_("This field is required to calculate the fee.")]})
    return value


@fee_rule("retribusi_pbg")
def _retribusi_pbg(config: Mapping[str, Any], answers: Mapping[str, Any]) -> Decimal:
    """Luas lantai (m²) × indeks terintegrasi (by building function) × harga satuan, at least the minimum."""
    area = _decimal(_required(answers, "floor_area_m2"), field="floor_area_m2")
    function = str(_required(answers, "building_function"))
    indexes = config.get("index_by_function") or {}
    if function not in indexes:
        raise ValidationFailed(fields={"building_function": [_("Select a valid choice.")]})
    amount = area * Decimal(str(indexes[function])) * Decimal(str(config["unit_price_per_m2"]))
    minimum = config.get("minimum")
    if minimum is not None:
        amount = max(amount, Decimal(str(minimum)))
    return amount


@fee_rule("retribusi_uji_kir")
def _retribusi_uji_kir(config: Mapping[str, Any], answers: Mapping[str, Any]) -> Decimal:
    """A tariff per vehicle type."""
    vehicle_type = str(_required(answers, "vehicle_type"))
    table = config.get("table") or {}
    if vehicle_type not in table:
        raise ValidationFailed(fields={"vehicle_type": [_("Select a valid choice.")]})
    return Decimal(str(table[vehicle_type]))


def to_rupiah(amount: Decimal) -> int:
    """Round to whole rupiah, half up (as the tax office does)."""
    return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def compute_fee(service: Any, answers: Mapping[str, Any] | None) -> int | None:
    """The fee in whole rupiah for these answers: 0 when free, the amount when fixed, the named rule's
    result when calculated. ``None`` when the rule cannot be applied yet (its configuration is missing).
    Raises ``ValidationFailed`` when the answers the rule needs are missing or invalid."""
    from balai.services.models import FeeKind, FeeRuleConfig

    if service.fee_kind == FeeKind.FREE:
        return 0
    if service.fee_kind == FeeKind.FIXED:
        return int(service.fee_amount) if service.fee_amount is not None else None
    function = _rules.get(service.fee_rule)
    config = FeeRuleConfig.objects.filter(code=service.fee_rule).values_list("config", flat=True).first()
    if function is None or config is None:
        return None
    return to_rupiah(function(config, answers or {}))
