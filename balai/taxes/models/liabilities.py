"""What a taxpayer owes, each with the bill (payments app) that collects it:

- ``Assessment``: the yearly PBB-P2 SPPT of one tax object (official assessment);
- ``TaxReturn``: a monthly SPTPD of a self-assessed tax (PBJT), turnover in, tax out;
- ``PermitTax``: the tax assessed from a granted permit (reklame);
- ``Subscription`` and ``LevyCharge``: a monthly levy (retribusi sampah) and its charge per month;
- ``GenerationRun``: one bulk generation of the SPPT of a year, with its progress.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .config import LevyType, TaxType
from .registry import TaxObject, Taxpayer

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


class LiabilityStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    NIL = "nil", _("Nothing to pay")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Liability(models.Model):
    """The bill of a liability and the state the ``bill.paid`` / ``bill.refunded`` consumers keep in step."""

    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    due_date = models.DateField(_("due date"))
    bill = models.OneToOneField(
        "payments.Bill", verbose_name=_("bill"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LiabilityStatus.choices, default=LiabilityStatus.UNPAID
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATES = (RunStatus.QUEUED, RunStatus.RUNNING)
MAX_RUN_ERRORS_KEPT = 50


class GenerationRun(models.Model):
    tax_type = models.ForeignKey(TaxType, verbose_name=_("tax"), on_delete=models.PROTECT, related_name="runs")
    year = models.PositiveSmallIntegerField(_("tax year"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("objects to assess"), default=0)
    done = models.PositiveIntegerField(_("objects handled"), default=0)
    created_count = models.PositiveIntegerField(_("assessments created"), default=0)
    skipped_count = models.PositiveIntegerField(_("already assessed"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("error messages (the latest)"), default=list, blank=True)
    last_object_id = models.PositiveBigIntegerField(_("resume after object"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now)

    class Meta:
        verbose_name = _("SPPT generation run")
        verbose_name_plural = _("SPPT generation runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_type", "year"],
                condition=Q(status__in=["queued", "running"]),
                name="generationrun_one_active_per_year",
                violation_error_message=_("A generation for this year is already queued or running."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tax_type_id} {self.year} #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == RunStatus.COMPLETED else 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATES


class Assessment(Liability):
    """SPPT PBB-P2: amount = max(minimum, rate × (NJOP − NJOPTKP)), whole rupiah (see services/sppt.py)."""

    # No single-column indexes on these keys: the unique (object, year) and the (taxpayer, year) indexes lead with
    # them, and every index costs time on each of the hundreds of thousands of rows of a yearly run.
    tax_object = models.ForeignKey(
        TaxObject, verbose_name=_("tax object"), on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    taxpayer = models.ForeignKey(
        Taxpayer, verbose_name=_("taxpayer"), on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("tax year"), validators=YEAR_VALIDATORS)
    land_area_m2 = models.PositiveIntegerField(_("land area (m²)"))
    building_area_m2 = models.PositiveIntegerField(_("building area (m²)"))
    njop = models.PositiveBigIntegerField(_("NJOP (rupiah)"))
    njoptkp = models.PositiveBigIntegerField(_("NJOPTKP deducted (rupiah)"), default=0)
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    run = models.ForeignKey(
        GenerationRun,
        verbose_name=_("generated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        db_index=False,
    )

    class Meta:
        verbose_name = _("SPPT (PBB-P2 assessment)")
        verbose_name_plural = _("SPPT (PBB-P2 assessments)")
        ordering = ["-year", "tax_object_id"]
        constraints = [
            models.UniqueConstraint(fields=["tax_object", "year"], name="assessment_one_per_object_year"),
            # The NJOPTKP is deducted once per taxpayer and year.
            models.UniqueConstraint(
                fields=["taxpayer", "year"], condition=Q(njoptkp__gt=0), name="assessment_one_njoptkp_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="assessment_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["year", "status"], name="assessment_year_status_idx"),
            models.Index(fields=["taxpayer", "-year"], name="assessment_taxpayer_idx"),
        ]

    def __str__(self) -> str:
        return f"SPPT {self.year} {self.tax_object_id}"

    @property
    def taxable(self) -> int:
        return max(0, self.njop - self.njoptkp)


class TaxReturn(Liability):
    """SPTPD: one per taxpayer, tax and month. Amendments (pembetulan) are not filed online (see services)."""

    taxpayer = models.ForeignKey(Taxpayer, verbose_name=_("taxpayer"), on_delete=models.PROTECT, related_name="returns")
    tax_type = models.ForeignKey(TaxType, verbose_name=_("tax"), on_delete=models.PROTECT, related_name="returns")
    period_year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    period_month = models.PositiveSmallIntegerField(_("month"), validators=MONTH_VALIDATORS)
    turnover = models.PositiveBigIntegerField(_("turnover (rupiah)"))
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_late = models.BooleanField(_("filed late"), default=False)

    class Meta:
        verbose_name = _("tax return (SPTPD)")
        verbose_name_plural = _("tax returns (SPTPD)")
        ordering = ["-period_year", "-period_month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxpayer", "tax_type", "period_year", "period_month"], name="taxreturn_one_per_period"
            ),
            models.CheckConstraint(condition=Q(period_month__gte=1, period_month__lte=12), name="taxreturn_month"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(status="nil"), name="taxreturn_amount_positive_unless_nil"
            ),
        ]
        indexes = [models.Index(fields=["tax_type", "-period_year", "-period_month"], name="taxreturn_period_idx")]

    def __str__(self) -> str:
        return f"SPTPD {self.tax_type_id} {self.period_year}-{self.period_month:02d} {self.taxpayer_id}"


class PermitTax(Liability):
    """The tax assessed from a granted permit (e.g. reklame: NSR per m² per month × area × months × rate)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("permit"), on_delete=models.PROTECT, related_name="permit_tax"
    )
    tax_type = models.ForeignKey(TaxType, verbose_name=_("tax"), on_delete=models.PROTECT, related_name="permit_taxes")
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payer_name = models.CharField(_("payer's name"), max_length=200)
    base_amount = models.PositiveBigIntegerField(_("tax base (rupiah)"))
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    details = models.JSONField(_("calculation"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tax from a permit")
        verbose_name_plural = _("taxes from permits")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="permittax_amount_positive")]

    def __str__(self) -> str:
        return f"{self.tax_type_id} {self.case_id}"


class Subscription(models.Model):
    """A monthly levy (e.g. waste collection) from the month it starts until it is ended."""

    levy_type = models.ForeignKey(
        LevyType, verbose_name=_("levy"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    tariff = models.CharField(_("tariff"), max_length=40, help_text=_("A key of the levy's tariffs."))
    subscriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="levy_subscriptions",
    )
    subscriber_name = models.CharField(_("subscriber's name"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("collected by"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="levy_subscription",
    )
    starts_on = models.DateField(_("first month"))
    ends_on = models.DateField(_("last month"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("levy subscription")
        verbose_name_plural = _("levy subscriptions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="subscription_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.levy_type_id} {self.tariff} {self.subscriber_name}"


class LevyCharge(Liability):
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="charges"
    )
    period_year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    period_month = models.PositiveSmallIntegerField(_("month"), validators=MONTH_VALIDATORS)

    class Meta:
        verbose_name = _("levy charge")
        verbose_name_plural = _("levy charges")
        ordering = ["-period_year", "-period_month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_year", "period_month"], name="levycharge_one_per_month"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="levycharge_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_year}-{self.period_month:02d}"
