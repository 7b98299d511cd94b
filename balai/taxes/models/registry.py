"""Taxpayers (wajib pajak) with their NPWPD and linked accounts, and the PBB-P2 tax objects with their NOP."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.crypto import EncryptedTextField
from balai.taxes.nop import format_nop, structure_errors
from balai.taxes.npwpd import npwpd_errors


def validate_npwpd(value: str) -> None:
    errors = npwpd_errors(value)
    if errors:
        raise ValidationError(errors[0], code="invalid_npwpd")


def validate_nop_structure(value: str) -> None:
    errors = structure_errors(value)
    if errors or not value.isdigit():
        raise ValidationError(errors[0] if errors else _("Store the NOP as 18 digits."), code="invalid_nop")


class TaxSequence(models.Model):
    """Running numbers of the taxes app (the NPWPD); the row is locked while a number is taken."""

    name = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("tax number sequence")
        verbose_name_plural = _("tax number sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class TaxpayerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    BUSINESS = "business", _("Business")


class Taxpayer(models.Model):
    npwpd = models.CharField(_("NPWPD"), max_length=17, unique=True, validators=[validate_npwpd])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=TaxpayerKind.choices)
    address = EncryptedTextField(_("address"), blank=True, default="")
    npwp = EncryptedTextField(_("NPWP (national tax number)"), blank=True, default="")
    tax_types = models.ManyToManyField(
        "taxes.TaxType", verbose_name=_("registered for"), blank=True, related_name="taxpayers"
    )
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked accounts"),
        through="taxes.TaxpayerAccount",
        through_fields=("taxpayer", "user"),
        related_name="taxpayers",
        blank=True,
    )
    registration_case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("registered through"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_taxpayer",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("taxpayer")
        verbose_name_plural = _("taxpayers")
        ordering = ["npwpd"]
        indexes = [models.Index(fields=["kind", "npwpd"], name="taxpayer_kind_idx")]

    def __str__(self) -> str:
        return f"{self.npwpd} {self.name}"


class TaxpayerAccount(models.Model):
    """A user account that acts for a taxpayer: sees its objects and bills, files its returns."""

    taxpayer = models.ForeignKey(Taxpayer, verbose_name=_("taxpayer"), on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="taxpayer_links"
    )
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("linked account")
        verbose_name_plural = _("linked accounts")
        constraints = [models.UniqueConstraint(fields=["taxpayer", "user"], name="taxpayeraccount_unique")]

    def __str__(self) -> str:
        return f"{self.taxpayer_id} ↔ {self.user_id}"


class TaxObject(models.Model):
    """A PBB-P2 object (land, with or without a building). NJOP = land area × NJOP of land per m² + building
    area × NJOP of building per m²; the database holds the product so it can never disagree."""

    nop = models.CharField(_("NOP"), max_length=18, unique=True, validators=[validate_nop_structure])
    taxpayer = models.ForeignKey(
        Taxpayer, verbose_name=_("taxpayer"), on_delete=models.PROTECT, related_name="tax_objects"
    )
    location = models.CharField(_("location of the object"), max_length=300, blank=True)
    land_area_m2 = models.PositiveIntegerField(_("land area (m²)"))
    building_area_m2 = models.PositiveIntegerField(_("building area (m²)"), default=0)
    njop_land_per_m2 = models.PositiveBigIntegerField(_("NJOP of land per m² (rupiah)"))
    njop_building_per_m2 = models.PositiveBigIntegerField(_("NJOP of building per m² (rupiah)"), default=0)
    njop = models.PositiveBigIntegerField(_("NJOP (rupiah)"), editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("tax object (PBB-P2)")
        verbose_name_plural = _("tax objects (PBB-P2)")
        ordering = ["nop"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    njop=F("land_area_m2") * F("njop_land_per_m2") + F("building_area_m2") * F("njop_building_per_m2")
                ),
                name="taxobject_njop_is_the_product",
            ),
            models.CheckConstraint(
                condition=Q(land_area_m2__gt=0, njop_land_per_m2__gt=0), name="taxobject_land_has_area_and_value"
            ),
        ]
        indexes = [
            # The NJOPTKP goes to each taxpayer's object with the highest NJOP (ties: the lowest NOP).
            models.Index(F("taxpayer"), F("njop").desc(), F("nop"), name="taxobject_taxpayer_njop_idx"),
        ]

    def __str__(self) -> str:
        return self.formatted_nop

    @property
    def formatted_nop(self) -> str:
        return format_nop(self.nop)

    @staticmethod
    def compute_njop(land_area: int, njop_land: int, building_area: int, njop_building: int) -> int:
        return land_area * njop_land + building_area * njop_building
