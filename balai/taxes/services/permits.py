"""Taxes and levies that follow from a granted application (``case.closed`` consumers) and the monthly levy charges.

- ``creates_tax`` (e.g. ``REKLAME`` on the billboard permit): the tax is assessed from the permit's answers and
  billed at once. Reklame: NSR per m² per month of the advertisement type × area (m²) × months × rate; the tax base
  and the tax are each rounded half-up to whole rupiah from the exact product.
- ``creates_levy`` (e.g. ``RETRIBUSI-SAMPAH`` on the waste collection service): a ``Subscription`` starts in the
  month the application is granted, with the tariff the applicant chose; its first month is charged at once and
  every later month by ``levy_charges_generate`` (``manage.py levy_generate``, monthly), which is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.exceptions import BalaiError, ValidationFailed
from balai.taxes.access import require_tax_staff, tax_agency
from balai.taxes.due import due_date, local_today
from balai.taxes.models import LevyCharge, LevyType, PermitTax, Subscription, TaxType

from .billing import BillRequest, create_bill

logger = logging.getLogger("balai.taxes")


@dataclass(frozen=True)
class PermitFigures:
    base: Decimal
    details: dict[str, Any] = field(default_factory=dict)


def _decimal_answer(answers: Mapping[str, Any], name: str) -> Decimal:
    try:
        value = Decimal(str(answers.get(name)).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={name: [_("Enter a number.")]}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationFailed(fields={name: [_("Enter a number greater than zero.")]})
    return value


def _reklame(config: TaxType, answers: Mapping[str, Any]) -> PermitFigures:
    table = (config.tariffs or {}).get("nsr_per_m2_month") or {}
    ad_type = str(answers.get("ad_type") or "")
    if ad_type not in table:
        raise ValidationFailed(fields={"ad_type": [_("No rental value (NSR) is configured for this type.")]})
    size = _decimal_answer(answers, "size_m2")
    months = _decimal_answer(answers, "duration_months")
    if months != months.to_integral_value():
        raise ValidationFailed(fields={"duration_months": [_("Enter whole months.")]})
    nsr = Decimal(table[ad_type])
    return PermitFigures(
        base=nsr * size * months,
        details={"ad_type": ad_type, "size_m2": str(size), "months": int(months), "nsr_per_m2_month": int(nsr)},
    )


# How the base of each tax assessed from a permit follows from the permit's answers (by tax code).
PERMIT_FORMULAS: dict[str, Callable[[TaxType, Mapping[str, Any]], PermitFigures]] = {"REKLAME": _reklame}


def _rupiah(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _granted_case(case_id: Any) -> Any:
    from balai.cases.models import Case
    from balai.documents.services import is_successful_outcome

    try:
        case = (
            Case.objects.select_related("state", "applicant", "organization", "service_version__service")
            .filter(pk=int(case_id))
            .first()
        )
    except (TypeError, ValueError):
        return None
    if case is None or not is_successful_outcome(case.state) or not case.service_version_id:
        return None
    return case


def permit_tax_from_case(*, case_id: Any) -> str:
    """Assess and bill the tax of a granted permit whose service says ``creates_tax`` (once per case)."""
    case = _granted_case(case_id)
    if case is None:
        return "not_granted"
    code = str((case.service_version.service.extra or {}).get("creates_tax") or "")
    if not code:
        return "no_tax"
    if PermitTax.objects.filter(case=case).exists():
        return "already_assessed"
    config = TaxType.objects.filter(code=code, is_active=True).first()
    formula = PERMIT_FORMULAS.get(code)
    if config is None or formula is None:
        logger.error("permit tax not configured", extra={"case_id": case.pk, "tax": code})
        return "not_configured"
    try:
        figures = formula(config, case.answers or {})
        amount = _rupiah(figures.base * config.rate_percent / Decimal(100))
        if amount <= 0:
            return "nothing_due"
        today = local_today(timezone.now())
        due_on = due_date(config.due_rule, issued_on=today)
        with transaction.atomic():
            assessed = PermitTax(
                case=case,
                tax_type=config,
                payer=case.applicant,
                payer_name=case.applicant_name,
                base_amount=_rupiah(figures.base),
                rate_percent=config.rate_percent,
                amount=amount,
                due_date=due_on,
                details=figures.details,
            )
            assessed.save(force_insert=True)
            assessed.bill = create_bill(
                actor=None,
                kind="tax_assessment",
                organization=tax_agency(),
                config=config,
                request=BillRequest(
                    payer_id=case.applicant_id,
                    payer_name=case.applicant_name,
                    description=f"SKPD {config.code} {case.number}",
                    amount=amount,
                    due_on=due_on,
                    reference=f"SKPD-{config.code}-{case.number}",
                ),
                payer=case.applicant,
                case=case,
            )
            assessed.save(update_fields=["bill"])
            audit_log(
                actor=None,
                action="tax.permit_tax_assessed",
                target=assessed,
                actor_label="system",
                summary={"case": case.number, "tax": code, "base": assessed.base_amount, "amount": amount},
            )
    except IntegrityError:
        return "already_assessed"
    except BalaiError as exc:
        logger.error("permit tax not assessed", extra={"case_id": case.pk, "error": str(exc.message)})
        return f"failed:{exc.code}"
    return "assessed"


# --- Levies -------------------------------------------------------------------------------------------


def tariff_amount(levy: LevyType, tariff: str) -> int | None:
    table = (levy.tariffs or {}).get("tariff") or {}
    value = table.get(tariff)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _chosen_tariff(levy: LevyType, answers: Mapping[str, Any]) -> str | None:
    """The answer naming one of the levy's tariffs (``customer_type`` on the demo form, any field elsewhere)."""
    table = (levy.tariffs or {}).get("tariff") or {}
    preferred = answers.get("customer_type")
    if isinstance(preferred, str) and preferred in table:
        return preferred
    for value in answers.values():
        if isinstance(value, str) and value in table:
            return value
    return None


def _charge(*, actor: Any, subscription: Subscription, year: int, month: int) -> LevyCharge | None:
    """Charge one month of ``subscription`` (inside the caller's transaction); None when its tariff is gone."""
    levy = subscription.levy_type
    amount = tariff_amount(levy, subscription.tariff)
    if amount is None:
        return None
    due_on = due_date(levy.due_rule, year=year, month=month, issued_on=local_today(timezone.now()))
    charge = LevyCharge(subscription=subscription, period_year=year, period_month=month, amount=amount, due_date=due_on)
    charge.save(force_insert=True)
    charge.bill = create_bill(
        actor=actor,
        kind="levy",
        organization=subscription.organization,
        config=levy,
        request=BillRequest(
            payer_id=subscription.subscriber_id,
            payer_name=subscription.subscriber_name,
            description=f"{levy.code} {month:02d}/{year} ({subscription.tariff})",
            amount=amount,
            due_on=due_on,
            reference=f"{levy.code}-{year}-{month:02d}-{subscription.pk}",
        ),
        payer=subscription.subscriber,
    )
    charge.save(update_fields=["bill"])
    return charge


def subscription_from_case(*, case_id: Any) -> str:
    """Start the levy subscription of a granted application whose service says ``creates_levy`` (once per case)."""
    case = _granted_case(case_id)
    if case is None:
        return "not_granted"
    code = str((case.service_version.service.extra or {}).get("creates_levy") or "")
    if not code:
        return "no_levy"
    if Subscription.objects.filter(case=case).exists():
        return "already_subscribed"
    levy = LevyType.objects.filter(code=code, is_active=True).first()
    if levy is None or levy.period != "monthly":
        logger.error("levy not configured", extra={"case_id": case.pk, "levy": code})
        return "not_configured"
    tariff = _chosen_tariff(levy, case.answers or {})
    if tariff is None:
        logger.error("no tariff in the answers", extra={"case_id": case.pk, "levy": code})
        return "no_tariff"
    today = local_today(timezone.now())
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                levy_type=levy,
                tariff=tariff,
                subscriber=case.applicant,
                subscriber_name=case.applicant_name,
                organization=case.organization,
                case=case,
                starts_on=today.replace(day=1),
            )
            _charge(actor=None, subscription=subscription, year=today.year, month=today.month)
            audit_log(
                actor=None,
                action="tax.levy_subscribed",
                target=subscription,
                actor_label="system",
                summary={"case": case.number, "levy": code, "tariff": tariff},
            )
    except IntegrityError:
        return "already_subscribed"
    except BalaiError as exc:
        logger.error("levy subscription not started", extra={"case_id": case.pk, "error": str(exc.message)})
        return f"failed:{exc.code}"
    return "subscribed"


@dataclass
class LevyRunResult:
    created: int = 0
    failed: list[str] = field(default_factory=list)


def levy_charges_generate(*, actor: Any = None, year: int, month: int, batch_size: int = 500) -> LevyRunResult:
    """Charge ``year``-``month`` to every subscription running in that month that has no charge for it yet."""
    require_tax_staff(actor)
    if not 1 <= int(month) <= 12:
        raise ValidationFailed(fields={"month": [_("Choose a month from 1 to 12.")]})
    first_day = dt.date(int(year), int(month), 1)
    result = LevyRunResult()
    last_id = 0
    while True:
        subscriptions = list(
            Subscription.objects.select_related("levy_type")
            .filter(id__gt=last_id, starts_on__lte=first_day, levy_type__is_active=True)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first_day))
            .exclude(charges__period_year=year, charges__period_month=month)
            .order_by("id")[:batch_size]
        )
        if not subscriptions:
            break
        last_id = subscriptions[-1].pk
        for subscription in subscriptions:
            try:
                with transaction.atomic():
                    charge = _charge(actor=actor, subscription=subscription, year=int(year), month=int(month))
            except (IntegrityError, BalaiError) as exc:
                result.failed.append(f"{subscription.pk}: {getattr(exc, 'message', exc)}")
                continue
            if charge is None:
                message = _("the tariff %(tariff)s is not configured") % {"tariff": subscription.tariff}
                result.failed.append(f"{subscription.pk}: {message}")
            else:
                result.created += 1
    audit_log(
        actor=actor,
        action="tax.levy_charges_generated",
        actor_label="system" if actor is None else "",
        summary={"period": f"{year}-{int(month):02d}", "created": result.created, "failed": len(result.failed)},
    )
    return result
