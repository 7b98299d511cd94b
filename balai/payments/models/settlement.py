"""Settlement files of the bank and their lines, as reconciliation matched them (the matching itself lives in
``balai.payments.reconciliation``). Reconciliation only reports: nothing here credits a bill."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .payments import Payment


class SettlementBatch(models.Model):
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    period_start = models.DateField(_("first settlement date"), null=True, blank=True)
    period_end = models.DateField(_("last settlement date"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    missing_in_platform_count = models.PositiveIntegerField(_("missing in the platform"), default=0)
    missing_in_bank_count = models.PositiveIntegerField(_("missing in the bank file"), default=0)
    amount_mismatch_count = models.PositiveIntegerField(_("amount differs"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicate lines"), default=0)

    class Meta:
        verbose_name = _("settlement file")
        verbose_name_plural = _("settlement files")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class SettlementOutcome(models.TextChoices):
    MATCHED = "matched", _("Matched")
    MISSING_IN_PLATFORM = "missing_in_platform", _("In the bank file, not credited in the platform")
    MISSING_IN_BANK = "missing_in_bank", _("Credited in the platform, not in the bank file")
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs")
    DUPLICATE = "duplicate", _("Duplicate line")


class SettlementLine(models.Model):
    batch = models.ForeignKey(SettlementBatch, verbose_name=_("file"), on_delete=models.CASCADE, related_name="lines")
    # Empty for a payment of the platform that no line of the file mentions (missing in the bank file).
    line_number = models.PositiveIntegerField(_("line"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    payment_code = models.CharField(_("payment code"), max_length=32, blank=True)
    amount = models.BigIntegerField(_("amount (rupiah)"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=SettlementOutcome.choices)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["batch", "line_number", "id"]
        indexes = [
            models.Index(fields=["batch", "outcome"], name="settlement_line_outcome_idx"),
            models.Index(fields=["payment_code"], name="settlement_line_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line_number}"
