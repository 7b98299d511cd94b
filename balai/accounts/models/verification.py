"""One-time 6-digit codes sent by e-mail or SMS to prove control of an address (registration, change of
e-mail or phone, password reset by phone). Only a keyed hash of the code is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.crypto import EncryptedTextField


class VerificationPurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    CHANGE_EMAIL = "change_email", _("Change of e-mail address")
    CHANGE_PHONE = "change_phone", _("Change of mobile number")
    RESET_PASSWORD = "reset_password", _("Password reset")


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class VerificationCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verification_codes",
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=VerificationPurpose.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=VerificationChannel.choices)
    # Blind index for the resend limits and look-ups; the address itself encrypted (a change of e-mail or
    # phone applies it only once the code is confirmed).
    destination_index = models.CharField(max_length=64, db_index=True)
    destination = EncryptedTextField(_("destination"))
    code_hash = models.CharField(max_length=128)
    salt = models.CharField(max_length=32)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["purpose", "destination_index", "created_at"], name="verif_dest_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_channel_display()}) #{self.pk}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_exhausted(self) -> bool:
        return self.attempts >= settings.VERIFICATION_CODE_MAX_ATTEMPTS
