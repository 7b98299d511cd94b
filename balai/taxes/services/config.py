"""The tax and levy configuration: loaded from ``balai/taxes/data/taxes.yaml`` (a copy of the regency's data set)
and edited by administrators through ``tax_type_save`` / ``levy_type_save``, which check every number.

Loading is idempotent: a tax or levy is created when its code is missing and never overwritten, so an
administrator's edits survive the next ``load_demo``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.exceptions import PermissionDenied, ValidationFailed, from_django_validation_error
from balai.organizations.scoping import is_platform_admin
from balai.taxes.due import due_rule_errors
from balai.taxes.models import ChargeConfig, LevyType, TaxType

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "taxes.yaml"
TAX_FIELDS = (
    "name",
    "assessment",
    "period",
    "rate_percent",
    "njoptkp",
    "minimum_tax",
    "due_rule",
    "online_discount_percent",
    "penalty_percent_per_month",
    "penalty_max_months",
    "tariffs",
    "object_label",
    "is_active",
)
LEVY_FIELDS = (
    "name",
    "period",
    "due_rule",
    "online_discount_percent",
    "penalty_percent_per_month",
    "penalty_max_months",
    "tariffs",
    "fee_rule",
    "is_active",
)
# Keys of a YAML entry with a field of their own; any other key holding amounts becomes a named tariff.
_TAX_KEYS = {
    "code",
    "name",
    "assessment",
    "period",
    "rate_percent",
    "njoptkp",
    "minimum_tax",
    "due",
    "online_discount_percent",
    "penalty",
    "object_id",
}
_LEVY_KEYS = {"code", "name", "period", "tariff", "due", "online_discount_percent", "penalty", "fee_rule"}
MAX_AMOUNT = 10**15


@dataclass
class ConfigLoadResult:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _is_amount(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_AMOUNT


def tariff_errors(tariffs: Any) -> list[str]:
    """Tariffs are whole rupiah amounts, either named directly or in one level of named tables."""
    if not isinstance(tariffs, dict):
        return [_("Tariffs must be a JSON object of named amounts.")]
    for name, value in tariffs.items():
        if _is_amount(value):
            continue
        if isinstance(value, dict) and value and all(_is_amount(v) for v in value.values()):
            continue
        return [
            _("The tariff %(name)s must be a whole amount of rupiah (zero or more) or a table of such amounts.")
            % {"name": name}
        ]
    return []


def config_errors(config: ChargeConfig) -> dict[str, list[str]]:
    """The checks the database cannot make, per field."""
    errors: dict[str, list[str]] = {}
    # A levy charged as a service fee (fee rule) is billed by the case engine and needs no due rule of its own.
    if config.due_rule or not _charged_as_fee(config):
        problems = due_rule_errors(config.due_rule)
        if problems:
            errors["due_rule"] = problems
    problems = tariff_errors(config.tariffs)
    if problems:
        errors["tariffs"] = problems
    if config.penalty_max_months and not config.penalty_percent_per_month:
        errors.setdefault("penalty_percent_per_month", []).append(
            _("Give the interest per month, or set the number of months to zero.")
        )
    if config.penalty_percent_per_month and not config.penalty_max_months:
        errors.setdefault("penalty_max_months", []).append(
            _("Give the number of months after which the interest stops growing.")
        )
    yearly_official = isinstance(config, TaxType) and config.period == "yearly" and config.assessment == "official"
    if yearly_official and config.njoptkp is None:
        errors.setdefault("njoptkp", []).append(_("A yearly official assessment needs its NJOPTKP (0 for none)."))
    return errors


def _charged_as_fee(config: ChargeConfig) -> bool:
    return isinstance(config, LevyType) and bool(config.fee_rule)


def _validate(config: ChargeConfig) -> None:
    try:
        config.full_clean(validate_unique=config.pk is None)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from None
    errors = config_errors(config)
    if errors:
        raise ValidationFailed(fields=errors)


def _save(*, actor: Any, config: ChargeConfig, fields: tuple[str, ...], action: str) -> ChargeConfig:
    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied(_("Only administrators change the tax configuration."))
    _validate(config)
    with transaction.atomic():
        creating = config.pk is None
        config.updated_at = timezone.now()
        if creating:
            config.save(force_insert=True)
        else:
            config.save(update_fields=[*fields, "updated_at"])
        audit_log(
            actor=actor,
            action=action,
            target=config,
            summary={
                "code": config.code,
                "created": creating,
                **{name: _plain(getattr(config, name)) for name in fields},
            },
        )
    return config


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def tax_type_save(*, actor: Any, tax_type: TaxType) -> TaxType:
    return _save(actor=actor, config=tax_type, fields=TAX_FIELDS, action="tax.config_saved")


def levy_type_save(*, actor: Any, levy_type: LevyType) -> LevyType:
    return _save(actor=actor, config=levy_type, fields=LEVY_FIELDS, action="tax.levy_config_saved")


def _decimal(value: Any, *, default: str = "0") -> Decimal:
    if value is None:
        return Decimal(default)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(_("%(value)s is not a number.") % {"value": value}) from None


def _penalty(entry: dict[str, Any], default: dict[str, Any]) -> tuple[Decimal, int]:
    penalty = entry.get("penalty") or default
    return _decimal(penalty.get("percent_per_month")), int(penalty.get("max_months") or 0)


def _tax_from_yaml(entry: dict[str, Any], default_penalty: dict[str, Any]) -> TaxType:
    percent, months = _penalty(entry, default_penalty)
    return TaxType(
        code=str(entry["code"]),
        name=str(entry["name"]),
        assessment=str(entry["assessment"]),
        period=str(entry["period"]),
        rate_percent=_decimal(entry.get("rate_percent")),
        njoptkp=entry.get("njoptkp"),
        minimum_tax=entry.get("minimum_tax"),
        due_rule=entry.get("due") or {},
        online_discount_percent=_decimal(entry.get("online_discount_percent")),
        penalty_percent_per_month=percent,
        penalty_max_months=months,
        tariffs={k: v for k, v in entry.items() if k not in _TAX_KEYS},
        object_label=str(entry.get("object_id") or ""),
    )


def _levy_from_yaml(entry: dict[str, Any], default_penalty: dict[str, Any]) -> LevyType:
    percent, months = _penalty(entry, default_penalty)
    tariff = entry.get("tariff")
    return LevyType(
        code=str(entry["code"]),
        name=str(entry["name"]),
        period=str(entry["period"]),
        due_rule=entry.get("due") or {},
        online_discount_percent=_decimal(entry.get("online_discount_percent")),
        penalty_percent_per_month=percent,
        penalty_max_months=months,
        tariffs={"tariff": tariff} if tariff else {},
        fee_rule=str(entry.get("fee_rule") or ""),
    )


def read_tax_data(path: Path | None = None) -> dict[str, Any]:
    with (path or DATA_FILE).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValidationFailed(_("The tax configuration file must hold a mapping."))
    return data


def load_tax_config(*, path: Path | None = None, actor: Any = None) -> ConfigLoadResult:
    """Create every tax and levy of the data file that is not in the database yet (by code); keep the others."""
    data = read_tax_data(path)
    default_penalty = data.get("penalty_default") or {}
    result = ConfigLoadResult()
    existing_taxes = set(TaxType.objects.values_list("code", flat=True))
    existing_levies = set(LevyType.objects.values_list("code", flat=True))
    with transaction.atomic():
        for entry in data.get("taxes") or []:
            if entry["code"] in existing_taxes:
                result.kept.append(entry["code"])
                continue
            tax_type_save(actor=actor, tax_type=_tax_from_yaml(entry, default_penalty))
            result.created.append(entry["code"])
        for entry in data.get("levies") or []:
            if entry["code"] in existing_levies:
                result.kept.append(entry["code"])
                continue
            levy_type_save(actor=actor, levy_type=_levy_from_yaml(entry, default_penalty))
            result.created.append(entry["code"])
    return result
