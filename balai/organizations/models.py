"""Agencies (OPD) and their units, the region's districts and villages, and staff memberships
(person + organization + role) on which every staff permission rests."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

organization_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{0,31}$",
    _("Use capital letters, digits, hyphens or underscores, for example DISDUKCAPIL or SETDA-PBJ."),
)
region_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$", _("Use the Kemendagri code, for example 32.01 or 32.01.01.")
)


class Region(models.Model):
    """The regional government running this installation (kabupaten or kota)."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=200, blank=True)
    capital = models.CharField(_("capital"), max_length=200, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", _("Secretariat")
    DINAS = "dinas", _("Office (dinas)")
    BADAN = "badan", _("Agency (badan)")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    KECAMATAN = "kecamatan", _("District office (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village office (kelurahan)")
    DESA = "desa", _("Village government (desa)")
    RUMAH_SAKIT = "rumah_sakit", _("Hospital")
    BAGIAN = "bagian", _("Division (bagian)")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        return self.filter(is_active=True)


class Organization(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[organization_code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    address = models.TextField(_("address"), blank=True, max_length=500)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, max_length=500, help_text=_("For example: Monday–Friday 08.00–15.00.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="organization_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The English name when the page is in English and one is given, else the official name."""
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def clean(self) -> None:
        super().clean()
        self.code = (self.code or "").strip().upper()
        if self.parent_id is not None and self.pk is not None:
            # A unit may not (indirectly) contain its own parent: walk up from the new parent.
            from balai.organizations.scoping import ancestor_ids

            if self.parent_id == self.pk or self.pk in ancestor_ids(self.parent_id):
                raise ValidationError({"parent": _("An organization cannot be a unit of itself or of its own units.")})


class District(models.Model):
    """Kecamatan."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class VillageKind(models.TextChoices):
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa)")


class Village(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=VillageKind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="villages"
    )

    class Meta:
        verbose_name = _("village (kelurahan/desa)")
        verbose_name_plural = _("villages (kelurahan/desa)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    HEAD = "head", _("Head")
    VERIFIER = "verifier", _("Verifier")
    APPROVER = "approver", _("Approver")
    FRONT_OFFICE = "front_office", _("Front office")
    TAX_OFFICER = "tax_officer", _("Tax officer")
    COMPLAINT_ADMIN = "complaint_admin", _("Complaint administrator")
    RESPONDER = "responder", _("Responder")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A person holds a role in an organization (and so in its units) from created_at until ended_at."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=Q(ended_at__isnull=True),
                name="membership_one_active_per_role",
                violation_error_message=_("This person already holds this role in this organization."),
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="membership_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
