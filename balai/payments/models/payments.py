"""What happens to a bill: payment instructions (a VA number or a QRIS code), payments reported by a provider,
refunds, the ledger and the log of every callback received.

Invariants kept by the database: a provider's transaction is recorded once (``payment_unique_transaction``);
a credited payment has exactly one positive ledger entry and a refund one negative entry; the sum of a bill's
ledger entries is what it has received net (``Bill.paid_amount - Bill.refunded_amount``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bills import Bill


class Channel(models.TextChoices):
    VIRTUAL_ACCOUNT = "virtual_account", _("Virtual account")
    QRIS = "qris", _("QRIS")


class InstructionStatus(models.TextChoices):
    ACTIVE = "active", _("Waiting for payment")
    USED = "used", _("Paid")
    SUPERSEDED = "superseded", _("Replaced by a newer instruction")
    EXPIRED = "expired", _("Expired")


class PaymentInstruction(models.Model):
    """How to pay a bill through one provider and channel, for a fixed amount until ``expires_at``."""

    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="instructions")
    provider = models.CharField(_("provider"), max_length=32)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    provider_reference = models.CharField(_("provider's reference"), max_length=64)
    va_number = models.CharField(_("virtual account number"), max_length=32, blank=True)
    qr_payload = models.TextField(_("QRIS payload"), max_length=512, blank=True)
    amount = models.PositiveBigIntegerField(_("amount to pay (rupiah)"))
    base_amount = models.PositiveBigIntegerField(_("bill amount (rupiah)"))
    discount = models.PositiveBigIntegerField(_("discount (rupiah)"), default=0)
    penalty = models.PositiveBigIntegerField(_("penalty (rupiah)"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=InstructionStatus.choices, default=InstructionStatus.ACTIVE
    )
    expires_at = models.DateTimeField(_("valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("payment instruction")
        verbose_name_plural = _("payment instructions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bill", "status"], name="instruction_bill_idx")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_reference"], name="instruction_unique_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instruction_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_reference}"

    @property
    def is_active(self) -> bool:
        return self.status == InstructionStatus.ACTIVE and self.expires_at > timezone.now()


class PaymentStatus(models.TextChoices):
    CREDITED = "credited", _("Credited to the bill")
    FLAGGED = "flagged", _("Not credited: to be checked by the revenue agency")


class FlagReason(models.TextChoices):
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount does not match the bill")
    CURRENCY_MISMATCH = "currency_mismatch", _("Currency is not rupiah")
    BILL_NOT_PAYABLE = "bill_not_payable", _("Bill was already paid, cancelled or expired")


class Payment(models.Model):
    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="payments")
    instruction = models.ForeignKey(
        PaymentInstruction,
        verbose_name=_("instruction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    provider = models.CharField(_("provider"), max_length=32)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    provider_transaction_id = models.CharField(_("provider's transaction id"), max_length=64)
    amount = models.BigIntegerField(_("amount (rupiah)"))
    currency = models.CharField(_("currency"), max_length=3)
    expected_amount = models.PositiveBigIntegerField(_("amount expected (rupiah)"))
    base_amount = models.PositiveBigIntegerField(_("bill amount (rupiah)"), default=0)
    discount = models.PositiveBigIntegerField(_("discount (rupiah)"), default=0)
    penalty = models.PositiveBigIntegerField(_("penalty (rupiah)"), default=0)
    paid_at = models.DateTimeField(_("paid at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=PaymentStatus.choices)
    flag_reason = models.CharField(_("why not credited"), max_length=24, choices=FlagReason.choices, blank=True)
    receipt = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("payment receipt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at", "-id"]
        indexes = [
            models.Index(fields=["bill", "status"], name="payment_bill_idx"),
            models.Index(fields=["status", "-received_at"], name="payment_status_idx"),
            models.Index(fields=["paid_at"], name="payment_paid_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_transaction_id"], name="payment_unique_transaction"),
            # One credited payment per bill: a second transfer for a paid bill is flagged, never credited.
            models.UniqueConstraint(
                fields=["bill"], condition=Q(status="credited"), name="payment_one_credit_per_bill"
            ),
            models.CheckConstraint(
                condition=Q(status="credited", flag_reason="", amount__gt=0) | Q(status="flagged") & ~Q(flag_reason=""),
                name="payment_flag_reason_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_transaction_id}"


class Refund(models.Model):
    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    reason = models.TextField(_("reason"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("refunded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("refunded at"), default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="refund_created_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.bill} -{self.amount}"


class LedgerKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class LedgerEntry(models.Model):
    """Append-only money movements: a credited payment (positive) or a refund (negative)."""

    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.OneToOneField(
        Refund, verbose_name=_("refund"), on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entry"
    )
    amount = models.BigIntegerField(_("amount (rupiah)"))
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    revenue_code = models.CharField(_("revenue code"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    provider = models.CharField(_("provider"), max_length=32)
    booked_at = models.DateTimeField(_("booked at"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["booked_at", "id"]
        indexes = [
            models.Index(fields=["booked_at", "revenue_code", "channel"], name="ledger_report_idx"),
            models.Index(fields=["organization", "booked_at"], name="ledger_organization_idx"),
            models.Index(fields=["bill"], name="ledger_bill_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="payment", amount__gt=0, payment__isnull=False, refund__isnull=True)
                | Q(kind="refund", amount__lt=0, refund__isnull=False),
                name="ledger_sign_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["payment"], condition=Q(kind="payment"), name="ledger_one_credit_per_payment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.amount:+d}"


class CallbackOutcome(models.TextChoices):
    CREDITED = "credited", _("Credited")
    DUPLICATE = "duplicate", _("Duplicate (already recorded)")
    FLAGGED = "flagged", _("Recorded, not credited (flagged)")
    UNKNOWN_BILL = "unknown_bill", _("Unknown payment code or reference")
    BAD_SIGNATURE = "bad_signature", _("Missing or wrong signature")
    STALE_TIMESTAMP = "stale_timestamp", _("Timestamp outside the allowed window")
    TOO_LARGE = "too_large", _("Body too large")
    INVALID = "invalid", _("Body is not a valid notification")
    UNKNOWN_PROVIDER = "unknown_provider", _("Unknown provider")
    IGNORED = "ignored", _("Not a payment (ignored)")


class CallbackEvent(models.Model):
    """One notification received at the callback endpoint, whatever came of it. Never holds a secret: the
    signature header is not kept, only whether it matched."""

    provider = models.CharField(_("provider"), max_length=32)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    remote_ip = models.GenericIPAddressField(_("sender's address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    timestamp_header = models.CharField(_("timestamp sent"), max_length=32, blank=True)
    body = models.TextField(_("body"), blank=True)
    body_sha256 = models.CharField(_("SHA-256 of the body"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    signature_valid = models.BooleanField(_("signature valid"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallbackOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("answered with"))
    message = models.CharField(_("message"), max_length=500, blank=True)
    provider_transaction_id = models.CharField(_("provider's transaction id"), max_length=64, blank=True)
    payment_code = models.CharField(_("payment code"), max_length=32, blank=True)
    amount = models.BigIntegerField(_("amount (rupiah)"), null=True, blank=True)
    bill = models.ForeignKey(
        Bill, verbose_name=_("bill"), on_delete=models.PROTECT, null=True, blank=True, related_name="callback_events"
    )
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["outcome", "-received_at"], name="callback_outcome_idx"),
            models.Index(fields=["provider", "provider_transaction_id"], name="callback_transaction_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.received_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class SimulatedTransfer(models.Model):
    """The payment simulator's own book, as a bank keeps one: what the demo payer paid at its screens and
    whether the notification reached the platform. Only the simulator provider writes here."""

    transaction_id = models.CharField(_("transaction id"), max_length=64, unique=True)
    instruction = models.ForeignKey(
        PaymentInstruction, verbose_name=_("instruction"), on_delete=models.PROTECT, related_name="simulated_transfers"
    )
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    paid_at = models.DateTimeField(_("paid at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("notification delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulated transfer")
        verbose_name_plural = _("simulated transfers")
        ordering = ["-paid_at", "-id"]
        constraints = [
            # The simulated bank accepts one transfer per instruction, as a VA or a dynamic QRIS does.
            models.UniqueConstraint(fields=["instruction"], name="simulated_transfer_one_per_instruction"),
        ]

    def __str__(self) -> str:
        return self.transaction_id
