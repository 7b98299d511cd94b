"""PBJT SPTPD: a taxpayer registered for a self-assessed monthly tax files the month's turnover online; the tax is
rate × turnover (whole rupiah, rounded half-up) and a bill of kind ``tax_return`` is made at once.

Rules:
- the filer is one of the taxpayer's linked accounts (or tax staff filing for it at the counter);
- the taxpayer must be registered for that tax, the tax must be self-assessed, monthly and active;
- only a month that has ended can be filed; the turnover is whole rupiah, zero or more (zero files a nil return,
  which needs no bill);
- a return filed after the tax's due rule (e.g. 15 days after the month) is marked late; its bill keeps the
  original due date, so interest runs from then;
- one return per taxpayer, tax and month. Amendments (pembetulan) are not filed online: a second filing for a
  month is refused with a message that sends the taxpayer to the revenue agency, which corrects the return there
  (a corrected amount needs a check of the books, and an already paid bill would need a refund or an extra bill).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.events import publish
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.taxes.access import is_tax_staff, tax_agency
from balai.taxes.due import due_date, last_day_of_month, local_today
from balai.taxes.models import (
    AssessmentKind,
    LiabilityStatus,
    Period,
    Taxpayer,
    TaxpayerAccount,
    TaxReturn,
    TaxType,
)

from .billing import BillRequest, create_bill
from .sppt import check_year

MAX_TURNOVER = 10**14  # one hundred trillion rupiah a month: anything above is a typing error


def parse_turnover(value: Any) -> int:
    """Whole rupiah, zero or more. Refuses negatives, fractions, separators, exponents and huge numbers."""
    if isinstance(value, bool):
        raise ValidationFailed(fields={"turnover": [_("Enter the turnover as a whole number of rupiah.")]})
    if isinstance(value, int):
        number = value
    elif isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValidationFailed(fields={"turnover": [_("Enter whole rupiah, without decimals.")]})
        number = int(value)
    elif isinstance(value, float):
        raise ValidationFailed(fields={"turnover": [_("Enter whole rupiah, without decimals.")]})
    else:
        text = str(value if value is not None else "").strip()
        if not text:
            raise ValidationFailed(fields={"turnover": [_("Enter the turnover of the month.")]})
        if text.startswith("-"):
            raise ValidationFailed(fields={"turnover": [_("The turnover cannot be negative.")]})
        if not (text.isascii() and text.isdigit()):
            if any(ch in text for ch in ".,") and text.replace(".", "").replace(",", "").isdigit():
                raise ValidationFailed(
                    fields={"turnover": [_("Enter whole rupiah without dots, commas or decimals (e.g. 15000000).")]}
                )
            raise ValidationFailed(fields={"turnover": [_("Enter the turnover as a whole number of rupiah.")]})
        number = int(text)
    if number < 0:
        raise ValidationFailed(fields={"turnover": [_("The turnover cannot be negative.")]})
    if number > MAX_TURNOVER:
        raise ValidationFailed(fields={"turnover": [_("The turnover is too large; check the number.")]})
    return number


def return_tax(turnover: int, rate_percent: Decimal) -> int:
    return int((Decimal(turnover) * Decimal(rate_percent) / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def self_assessed_types(taxpayer: Taxpayer) -> list[TaxType]:
    """The taxes ``taxpayer`` files returns for (registered, self-assessed, monthly, active)."""
    return list(
        taxpayer.tax_types.filter(assessment=AssessmentKind.SELF, period=Period.MONTHLY, is_active=True).order_by(
            "code"
        )
    )


def may_file(user: Any, taxpayer: Taxpayer) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if TaxpayerAccount.objects.filter(taxpayer=taxpayer, user=user).exists():
        return True
    return is_tax_staff(user)


def _tax_type(taxpayer: Taxpayer, code: Any) -> TaxType:
    tax_type = TaxType.objects.filter(code=str(code or "")).first()
    if tax_type is None or not tax_type.is_active:
        raise ValidationFailed(fields={"tax_type": [_("Choose one of your taxes.")]})
    if tax_type.assessment != AssessmentKind.SELF or tax_type.period != Period.MONTHLY:
        raise ValidationFailed(fields={"tax_type": [_("This tax is not filed with a monthly return.")]})
    if not taxpayer.tax_types.filter(pk=tax_type.pk).exists():
        raise ValidationFailed(
            fields={"tax_type": [_("This taxpayer is not registered for %(tax)s.") % {"tax": tax_type.name}]}
        )
    return tax_type


def _period(year: Any, month: Any, today: Any) -> tuple[int, int]:
    try:
        year = check_year(int(year)) if not isinstance(year, bool) else check_year(year)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={"year": [_("Enter a year.")]}) from None
    if isinstance(month, bool) or not str(month).strip().isdigit() or not 1 <= int(month) <= 12:
        raise ValidationFailed(fields={"month": [_("Choose a month from 1 to 12.")]})
    month = int(month)
    if last_day_of_month(year, month) >= today:
        raise ValidationFailed(
            fields={"month": [_("A month can be filed only after it has ended.")]}, code="period_not_ended"
        )
    return year, month


def tax_return_file(
    *, actor: Any, taxpayer: Taxpayer, tax_type: Any, year: Any, month: Any, turnover: Any
) -> TaxReturn:
    """File the SPTPD of ``taxpayer`` for ``tax_type`` (code or TaxType) and the month; returns the stored return."""
    if not may_file(actor, taxpayer):
        raise PermissionDenied(_("You cannot file returns for this taxpayer."))
    if not taxpayer.is_active:
        raise Conflict(_("This taxpayer is no longer active."), code="taxpayer_inactive")
    config = _tax_type(taxpayer, tax_type.code if isinstance(tax_type, TaxType) else tax_type)
    now = timezone.now()
    today = local_today(now)
    period_year, period_month = _period(year, month, today)
    amount_turnover = parse_turnover(turnover)
    amount = return_tax(amount_turnover, config.rate_percent)
    due_on = due_date(config.due_rule, year=period_year, month=period_month, issued_on=today)
    linked = TaxpayerAccount.objects.filter(taxpayer=taxpayer, user=actor).exists()
    duplicate = Conflict(
        _(
            "The return of %(tax)s for %(month)02d/%(year)s was already filed. Corrections (pembetulan) are made at "
            "the revenue agency's office."
        )
        % {"tax": config.name, "month": period_month, "year": period_year},
        code="already_filed",
    )
    if TaxReturn.objects.filter(
        taxpayer=taxpayer, tax_type=config, period_year=period_year, period_month=period_month
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            filed = TaxReturn(
                taxpayer=taxpayer,
                tax_type=config,
                period_year=period_year,
                period_month=period_month,
                turnover=amount_turnover,
                rate_percent=config.rate_percent,
                amount=amount,
                due_date=due_on,
                filed_at=now,
                filed_by=actor,
                filed_late=today > due_on,
                status=LiabilityStatus.UNPAID if amount > 0 else LiabilityStatus.NIL,
            )
            filed.save(force_insert=True)
            if amount > 0:
                filed.bill = create_bill(
                    actor=actor,
                    kind="tax_return",
                    organization=tax_agency(),
                    config=config,
                    request=BillRequest(
                        payer_id=actor.pk if linked else None,
                        payer_name=taxpayer.name,
                        description=f"SPTPD {config.code} {period_month:02d}/{period_year} NPWPD {taxpayer.npwpd}",
                        amount=amount,
                        due_on=due_on,
                        reference=f"SPTPD-{config.code}-{period_year}-{period_month:02d}-{taxpayer.npwpd}",
                    ),
                    payer=actor if linked else None,
                )
                filed.save(update_fields=["bill"])
            audit_log(
                actor=actor,
                action="tax.return_filed",
                target=filed,
                summary={
                    "npwpd": taxpayer.npwpd,
                    "tax": config.code,
                    "period": f"{period_year}-{period_month:02d}",
                    "turnover": amount_turnover,
                    "amount": amount,
                    "late": filed.filed_late,
                },
            )
            publish("tax.return_filed", {"return_id": filed.pk, "taxpayer_id": taxpayer.pk, "tax": config.code})
    except IntegrityError:  # the same month filed at the same moment by another session
        raise duplicate from None
    return filed
