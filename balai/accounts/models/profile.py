"""A citizen's identity data: NIK, birth date, sex and address. NIK and address are encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from balai.accounts.nik import mask_nik, normalize_nik
from balai.core.crypto import EncryptedTextField, blind_index

NIK_INDEX_PURPOSE = "nik"


def nik_blind_index(nik: str | None) -> str | None:
    value = normalize_nik(nik)
    return blind_index(value, purpose=NIK_INDEX_PURPOSE) if value else None


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class CitizenProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile", verbose_name=_("user")
    )
    nik = EncryptedTextField(_("NIK"), blank=True, default="")
    # Blind index of the NIK: one NIK belongs to one account; look-up without decrypting.
    nik_index = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    address = EncryptedTextField(_("address"), blank=True, default="")
    district = models.ForeignKey(
        "organizations.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    village = models.ForeignKey(
        "organizations.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")
        permissions = [("view_unmasked_nik", _("Can see a citizen's full NIK (every viewing is audited)"))]
        constraints = [
            models.CheckConstraint(condition=~models.Q(nik_index=""), name="citizenprofile_nik_index_not_blank"),
        ]

    def __str__(self) -> str:
        return str(_("Profile of %(name)s") % {"name": self.user.full_name if self.user_id else "?"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.nik = normalize_nik(self.nik)
        expected = nik_blind_index(self.nik)
        if expected != self.nik_index:
            self.nik_index = expected
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "nik_index" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "nik_index"]
        super().save(*args, **kwargs)

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    def set_nik(self, value: str | None) -> None:
        """Set the NIK and its blind index (empty removes both)."""
        self.nik = normalize_nik(value)
        self.nik_index = nik_blind_index(self.nik)

    def clean(self) -> None:
        super().clean()
        self.set_nik(self.nik)
        if self.village_id and self.district_id and self.village.district_id != self.district_id:
            raise ValidationError({"village": _("The village is not in the chosen district.")}, code="village_district")
        if self.village_id and not self.district_id:
            self.district_id = self.village.district_id
        if self.nik_index:
            taken = type(self)._default_manager.filter(nik_index=self.nik_index).exclude(pk=self.pk).exists()
            if taken:
                raise ValidationError(
                    {"nik": _("This NIK is already registered to another account.")}, code="nik_taken"
                )

    def validate_unique(self, exclude: Any = None) -> None:
        # ``clean()`` reports a taken NIK on the ``nik`` field with a readable message.
        super().validate_unique(exclude={*(exclude or ()), "nik_index"})
