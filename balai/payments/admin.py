"""Administration of payments: read-only views of bills, payments, the ledger and the callback log. Money moves
only through the services (callbacks, refunds), never by editing rows here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from balai.payments.models import Bill, BillItem, CallbackEvent, LedgerEntry, Payment, PaymentInstruction, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BillItemInline(admin.TabularInline):
    model = BillItem
    extra = 0
    can_delete = False
    fields = ("position", "description", "amount", "revenue_code")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ("payment_code", "kind", "status", "organization", "revenue_code", "amount", "due_at", "paid_at")
    list_filter = ("status", "kind", "organization")
    search_fields = ("payment_code", "reference")
    list_select_related = ("organization",)
    inlines = [BillItemInline]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(PaymentInstruction)
class PaymentInstructionAdmin(ReadOnlyAdmin):
    list_display = ("provider_reference", "provider", "channel", "bill", "amount", "status", "expires_at")
    list_filter = ("provider", "channel", "status")
    search_fields = ("provider_reference", "va_number", "bill__payment_code")
    list_select_related = ("bill",)
    show_full_result_count = False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("provider_transaction_id", "provider", "bill", "amount", "status", "flag_reason", "paid_at")
    list_filter = ("status", "flag_reason", "provider", "channel")
    search_fields = ("provider_transaction_id", "bill__payment_code")
    list_select_related = ("bill",)
    show_full_result_count = False


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("bill", "amount", "created_by", "created_at")
    search_fields = ("bill__payment_code",)
    list_select_related = ("bill", "created_by")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("booked_at", "bill", "kind", "amount", "revenue_code", "channel", "organization")
    list_filter = ("kind", "channel", "revenue_code")
    search_fields = ("bill__payment_code",)
    list_select_related = ("bill", "organization")
    date_hierarchy = "booked_at"
    show_full_result_count = False


@admin.register(CallbackEvent)
class CallbackEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "outcome", "http_status", "provider_transaction_id", "remote_ip")
    list_filter = ("outcome", "provider", "signature_valid")
    search_fields = ("provider_transaction_id", "payment_code")
    date_hierarchy = "received_at"
    show_full_result_count = False
