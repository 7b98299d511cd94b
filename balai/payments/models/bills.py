"""Bills (tagihan): what a payer owes, in whole rupiah, under a unique payment code (kode bayar).

The amount of a bill is the sum of its items and never changes. What the payer pays on a given day follows from
the pricing parameters snapshotted on the bill when it was made (online discount before the due date, penalty
per started month after it) — see ``balai.payments.pricing``. A bill is paid once: the ledger and the payments
refer to it, and its status moves only through the payments services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CURRENCY = "IDR"
PAYMENT_CODE_LENGTH = 16


class BillKind(models.TextChoices):
    SERVICE_FEE = "service_fee", _("Service fee")
    TAX_ASSESSMENT = "tax_assessment", _("Tax assessment")
    TAX_RETURN = "tax_return", _("Tax return")
    LEVY = "levy", _("Levy")


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class BillQuerySet(models.QuerySet["Bill"]):
    def payable(self, *, at=None) -> BillQuerySet:  # noqa: ANN001
        """Unpaid and not past their expiry (``at``: now by default)."""
        moment = at or timezone.now()
        return self.filter(status=BillStatus.UNPAID).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment))


class Bill(models.Model):
    payment_code = models.CharField(_("payment code"), max_length=PAYMENT_CODE_LENGTH, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=BillKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=BillStatus.choices, default=BillStatus.UNPAID)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bills",
    )
    payer_name = models.CharField(_("payer's name"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("billing agency"), on_delete=models.PROTECT, related_name="bills"
    )
    revenue_code = models.CharField(_("revenue code"), max_length=40)
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    due_at = models.DateTimeField(_("due at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Pricing parameters as they were when the bill was made (the configuration may change afterwards).
    penalty_percent_per_month = models.DecimalField(
        _("penalty per started month (%)"), max_digits=5, decimal_places=2, default=0
    )
    penalty_max_months = models.PositiveSmallIntegerField(_("penalty: at most months"), default=0)
    online_discount_percent = models.DecimalField(
        _("discount for paying online before the due date (%)"), max_digits=5, decimal_places=2, default=0
    )
    paid_amount = models.PositiveBigIntegerField(_("amount received (rupiah)"), default=0)
    refunded_amount = models.PositiveBigIntegerField(_("amount refunded (rupiah)"), default=0)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.CharField(_("reason for cancellation"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = BillQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payer", "status", "due_at"], name="bill_payer_idx"),
            models.Index(fields=["organization", "status", "due_at"], name="bill_organization_idx"),
            models.Index(fields=["case", "kind"], name="bill_case_idx"),
            models.Index(fields=["reference"], name="bill_reference_idx"),
            models.Index(
                fields=["expires_at"], condition=Q(status="unpaid", expires_at__isnull=False), name="bill_expiry_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("paid_amount")), name="bill_refund_le_paid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "refunded"]) | Q(paid_at__isnull=False, paid_amount__gt=0),
                name="bill_paid_has_payment",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False), name="bill_cancelled_has_time"
            ),
            models.CheckConstraint(
                condition=Q(
                    penalty_percent_per_month__gte=0, online_discount_percent__gte=0, online_discount_percent__lte=100
                ),
                name="bill_pricing_percent_range",
            ),
            # A case has at most one open bill of a kind: the consumers that make them may run twice.
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="unpaid", case__isnull=False),
                name="bill_one_unpaid_per_case_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.payment_code

    @property
    def is_expired(self) -> bool:
        """Past its expiry while unpaid (the stored status may still say unpaid until the expiry job ran)."""
        if self.status == BillStatus.EXPIRED:
            return True
        return self.status == BillStatus.UNPAID and self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def effective_status(self) -> str:
        return BillStatus.EXPIRED if self.is_expired else self.status

    @property
    def is_payable(self) -> bool:
        return self.status == BillStatus.UNPAID and not self.is_expired

    @property
    def refundable_amount(self) -> int:
        return self.paid_amount - self.refunded_amount

    def get_effective_status_display(self) -> str:
        return str(BillStatus(self.effective_status).label)


class BillItem(models.Model):
    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=300)
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    revenue_code = models.CharField(_("revenue code"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("bill item")
        verbose_name_plural = _("bill items")
        ordering = ["bill", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="bill_item_amount_positive")]

    def __str__(self) -> str:
        return self.description


class PaymentCodeCounter(models.Model):
    """The running number of payment codes where the database has no sequences (SQLite). On PostgreSQL the
    sequence ``payments_payment_code_seq`` is used instead: numbers taken by a rolled-back transaction are lost
    (gaps are fine), and a number is never handed out twice."""

    name = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("payment code counter")
        verbose_name_plural = _("payment code counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"
