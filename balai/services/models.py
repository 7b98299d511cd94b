"""The public service catalogue: categories, services (what, who, cost, duration) and their versions.

A ``ServiceVersion`` pins the form definition and the workflow a case was submitted under: editing a
published service's form or workflow creates a new version, so old cases keep the rules they met.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

service_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,39}$",
    _("Use capital letters, digits and hyphens, for example AKTA-LAHIR."),
)
category_code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,39}$",
    _("Use lower-case letters, digits, hyphens or underscores, for example kependudukan."),
)
fee_rule_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,63}$", _("Use lower-case letters, digits and underscores, for example retribusi_pbg.")
)


def _in_english() -> bool:
    return (translation.get_language() or "").startswith("en")


class ServiceCategory(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[category_code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and _in_english():
            return self.name_en
        return self.name


class ServiceKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    APPOINTMENT = "appointment", _("Appointment")
    PAYMENT = "payment", _("Payment")
    FILING = "filing", _("Filing")
    INFORMATION = "information", _("Information")


class FeeKind(models.TextChoices):
    FREE = "free", _("Free")
    FIXED = "fixed", _("Fixed amount")
    RULE = "rule", _("Calculated by a fee rule")


class Routing(models.TextChoices):
    TO_OWNER = "to_owner", _("To the owning agency")
    BY_APPLICANT_VILLAGE = "by_applicant_village", _("To the village office of the applicant")


class ServiceQuerySet(models.QuerySet["Service"]):
    def published(self) -> ServiceQuerySet:
        return self.filter(is_published=True)


class Service(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[service_code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices, default=ServiceKind.APPLICATION)
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    summary_en = models.TextField(_("summary in English"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    description_en = models.TextField(_("description in English"), blank=True, max_length=5000)
    eligibility = models.TextField(_("who may apply"), blank=True, max_length=2000)
    eligibility_en = models.TextField(_("who may apply (English)"), blank=True, max_length=2000)
    steps = models.TextField(_("steps"), blank=True, max_length=5000, help_text=_("One step per line."))
    steps_en = models.TextField(_("steps in English"), blank=True, max_length=5000, help_text=_("One step per line."))
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    sla_days = models.PositiveIntegerField(
        _("service time (working days)"), null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    sla_extension_days = models.PositiveIntegerField(
        _("extension (working days)"), null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    fee_kind = models.CharField(_("fee"), max_length=10, choices=FeeKind.choices, default=FeeKind.FREE)
    fee_amount = models.PositiveBigIntegerField(
        _("fee amount (rupiah)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    fee_rule = models.CharField(_("fee rule"), max_length=64, blank=True)
    output = models.JSONField(_("output document"), default=dict, blank=True)
    routing = models.CharField(_("routing"), max_length=24, choices=Routing.choices, default=Routing.TO_OWNER)
    # Data of the YAML this model does not interpret (slots, tax, creates_tax, ...), kept for later apps.
    extra = models.JSONField(_("other settings"), default=dict, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    current_version = models.ForeignKey(
        "services.ServiceVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__position", "name"]
        indexes = [models.Index(fields=["is_published", "category"], name="service_published_category")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(fee_kind="fixed") | Q(fee_amount__isnull=False),
                name="service_fixed_fee_has_amount",
                violation_error_message=_("A fixed fee needs an amount."),
            ),
            models.CheckConstraint(
                condition=~Q(fee_kind="rule") | ~Q(fee_rule=""),
                name="service_rule_fee_has_rule",
                violation_error_message=_("A calculated fee needs a fee rule."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and _in_english():
            return self.name_en
        return self.name

    @property
    def display_summary(self) -> str:
        return self.summary_en if self.summary_en and _in_english() else self.summary

    @property
    def display_description(self) -> str:
        return self.description_en if self.description_en and _in_english() else self.description

    @property
    def display_eligibility(self) -> str:
        return self.eligibility_en if self.eligibility_en and _in_english() else self.eligibility

    @property
    def step_list(self) -> list[str]:
        text = self.steps_en if self.steps_en and _in_english() else self.steps
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def accepts_applications(self) -> bool:
        """Whether the public page offers the "Ajukan" (apply) button."""
        return self.kind == ServiceKind.APPLICATION and self.current_version_id is not None


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    form_definition = models.JSONField(_("form definition"), default=dict, blank=True)
    workflow = models.ForeignKey(
        "cases.Workflow", verbose_name=_("workflow"), on_delete=models.PROTECT, related_name="service_versions"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number}"

    @property
    def fields(self) -> list[dict]:
        return list((self.form_definition or {}).get("fields") or [])

    @property
    def requirements(self) -> list[dict]:
        return list((self.form_definition or {}).get("requirements") or [])


class FeeRuleConfig(models.Model):
    """The numbers of a named fee rule (tariffs change by regional regulation; the formula is code)."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[fee_rule_code_validator])
    description = models.TextField(_("description"), blank=True, max_length=1000)
    config = models.JSONField(_("configuration"), default=dict)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("fee rule")
        verbose_name_plural = _("fee rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
