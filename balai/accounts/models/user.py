"""The one user model (since the first migration). Sign-in is by e-mail or by mobile number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.accounts.phone import looks_like_phone, normalize_phone
from balai.core.crypto import EncryptedTextField, blind_index

PHONE_INDEX_PURPOSE = "phone"


def phone_blind_index(e164: str | None) -> str | None:
    """Blind index of an E.164 number (None when there is no number)."""
    return blind_index(e164, purpose=PHONE_INDEX_PURPOSE) if e164 else None


def normalize_email_address(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.lower() or None


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")
    VENDOR = "vendor", _("Vendor")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str | None, phone: str | None, password: str | None, **extra: Any) -> User:
        email = normalize_email_address(email)
        user = self.model(email=email, **extra)
        user.set_phone(phone)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str | None = None, password: str | None = None, *, phone: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone, password, **extra)

    def create_superuser(self, email: str | None = None, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", UserKind.STAFF)
        extra.setdefault("full_name", email or "Administrator")
        return self._create(email, extra.pop("phone", None), password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email_address(username))

    def get_by_phone(self, value: str) -> User:
        """The account with this mobile number in any common spelling (``0812…``, ``+62812…``)."""
        try:
            e164 = normalize_phone(value)
        except ValidationError as exc:
            raise self.model.DoesNotExist("No user with this phone number.") from exc
        return self.get(phone_index=phone_blind_index(e164))

    def get_by_identifier(self, identifier: str) -> User:
        """The account signed in to with ``identifier``: an e-mail address (any case) or a mobile number.

        Raises ``User.DoesNotExist`` when nothing matches."""
        identifier = (identifier or "").strip()
        if not identifier:
            raise self.model.DoesNotExist("Empty identifier.")
        if looks_like_phone(identifier):
            return self.get_by_phone(identifier)
        return self.get(email=normalize_email_address(identifier))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True, null=True, blank=True)
    # Encrypted at rest; ``phone_index`` (a blind index of the E.164 form) makes it unique and searchable.
    # Change it with ``set_phone()``; ``save()`` keeps the index in sync in any case.
    phone = EncryptedTextField(_("mobile number"), null=True, blank=True, help_text=_("E.164, e.g. +6281234567890"))
    phone_index = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the back office"), default=False, help_text=_("Allows signing in to /admin/.")
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="id", choices=[("id", "Bahasa Indonesia"), ("en", "English")]
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone_index__isnull=False) | Q(anonymised_at__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.CheckConstraint(condition=~Q(email=""), name="user_email_not_blank"),
            models.CheckConstraint(condition=~Q(phone_index=""), name="user_phone_index_not_blank"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email_address(self.email)
        try:
            self.set_phone(self.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
        if self.phone_index:
            taken = type(self)._default_manager.filter(phone_index=self.phone_index).exclude(pk=self.pk).exists()
            if taken:
                raise ValidationError(
                    {"phone": _("This mobile number is already used by another account.")}, code="phone_taken"
                )

    def set_phone(self, value: str | None) -> None:
        """Set the mobile number (any common spelling) and its blind index; ``None``/empty removes it."""
        e164 = normalize_phone(value) if value else None
        self.phone = e164
        self.phone_index = phone_blind_index(e164)

    def validate_unique(self, exclude: Any = None) -> None:
        # ``clean()`` reports a taken phone number on the ``phone`` field with a readable message.
        super().validate_unique(exclude={*(exclude or ()), "phone_index"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The index must never drift from the number, whoever assigned ``phone`` directly.
        if self.phone:
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError:
                pass  # keep a stored number that newer phone metadata rejects; clean() reports new bad input
        else:
            self.phone = None
        expected = phone_blind_index(self.phone)
        if expected != self.phone_index:
            self.phone_index = expected
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "phone_index" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "phone_index"]
        super().save(*args, **kwargs)

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    @property
    def is_staff_member(self) -> bool:
        """Government staff (ASN): must use two-factor authentication everywhere."""
        return self.kind == UserKind.STAFF or self.is_staff or self.is_superuser

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""
