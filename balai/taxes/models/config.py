"""Configuration of regional taxes and levies: every rate, threshold, tariff, due rule, discount and penalty is a
row here (loaded from taxes.yaml, then edited by administrators), never a number in code."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

tax_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,39}$", _("Use capital letters, digits and hyphens, for example PBB-P2.")
)
PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class AssessmentKind(models.TextChoices):
    OFFICIAL = "official", _("Official assessment (the government issues the bill)")
    SELF = "self", _("Self assessment (the taxpayer files a return)")


class Period(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    MONTHLY = "monthly", _("Monthly")
    PER_PERMIT = "per_permit", _("Per permit")
    PER_TRANSACTION = "per_transaction", _("Per transaction")
    PER_TEST = "per_test", _("Per test")


class ChargeConfig(models.Model):
    """What taxes and levies share: code, name, period, due rule, online discount and late-payment penalty."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[tax_code_validator])
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=20, choices=Period.choices)
    due_rule = models.JSONField(
        _("due date rule"),
        default=dict,
        blank=True,
        help_text=_(
            'For example {"month": 8, "day": 31}, {"days_after_period": 15}, {"days_after_issue": 30}, '
            '{"day_of_next_month": 10} or {"on_filing": true}.'
        ),
    )
    online_discount_percent = models.DecimalField(
        _("discount for paying online before the due date (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    penalty_percent_per_month = models.DecimalField(
        _("late-payment interest per started month (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    penalty_max_months = models.PositiveSmallIntegerField(
        _("interest charged for at most (months)"), default=0, validators=[MaxValueValidator(120)]
    )
    tariffs = models.JSONField(
        _("tariffs"),
        default=dict,
        blank=True,
        help_text=_('Named amounts in rupiah, for example {"nsr_per_m2_month": {"papan": 50000}}.'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def revenue_code(self) -> str:
        return self.code


class TaxType(ChargeConfig):
    assessment = models.CharField(_("assessment"), max_length=10, choices=AssessmentKind.choices)
    rate_percent = models.DecimalField(
        _("rate (%)"), max_digits=7, decimal_places=4, validators=PERCENT_VALIDATORS, default=Decimal("0")
    )
    njoptkp = models.PositiveBigIntegerField(
        _("NJOPTKP (rupiah)"),
        null=True,
        blank=True,
        help_text=_("The non-taxable part of NJOP, once per taxpayer and year (PBB-P2)."),
    )
    minimum_tax = models.PositiveBigIntegerField(_("minimum tax (rupiah)"), null=True, blank=True)
    object_label = models.CharField(
        _("object identifier"), max_length=20, blank=True, help_text=_("For example NOP for PBB-P2.")
    )

    class Meta(ChargeConfig.Meta):
        verbose_name = _("tax type")
        verbose_name_plural = _("tax types")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0, rate_percent__lte=100), name="taxtype_rate_percent"
            ),
        ]


class LevyType(ChargeConfig):
    fee_rule = models.CharField(
        _("fee rule"),
        max_length=64,
        blank=True,
        help_text=_("For levies charged as a service fee (the fee rule of the service catalogue), e.g. retribusi_pbg."),
    )

    class Meta(ChargeConfig.Meta):
        verbose_name = _("levy type")
        verbose_name_plural = _("levy types")
