"""Administrators edit the tax and levy configuration at /admin/ (every save goes through ``tax_type_save`` /
``levy_type_save``, which check every number and audit the change). Taxpayers, objects and what is owed are kept by
the revenue agency's office pages and the services: here they are read only, and nothing is deleted."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from balai.taxes.models import (
    Assessment,
    GenerationRun,
    LevyCharge,
    LevyType,
    PermitTax,
    Subscription,
    TaxObject,
    Taxpayer,
    TaxReturn,
    TaxType,
)
from balai.taxes.services.config import LEVY_FIELDS, TAX_FIELDS, config_errors, levy_type_save, tax_type_save


class _ConfigForm(forms.ModelForm):
    config_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        for name in (*self.config_fields, "code"):
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        for name, messages in config_errors(candidate).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class TaxTypeForm(_ConfigForm):
    config_fields = TAX_FIELDS

    class Meta:
        model = TaxType
        fields = ["code", *TAX_FIELDS]


class LevyTypeForm(_ConfigForm):
    config_fields = LEVY_FIELDS

    class Meta:
        model = LevyType
        fields = ["code", *LEVY_FIELDS]


class _ConfigAdmin(admin.ModelAdmin):
    search_fields = ("code", "name")
    list_filter = ("is_active", "period")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code is the revenue code on every bill already made: fixed once created.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: bills and assessments refer to it


@admin.register(TaxType)
class TaxTypeAdmin(_ConfigAdmin):
    form = TaxTypeForm
    list_display = ("code", "name", "assessment", "period", "rate_percent", "online_discount_percent", "is_active")

    def save_model(self, request: HttpRequest, obj: TaxType, form: forms.ModelForm, change: bool) -> None:
        tax_type_save(actor=request.user, tax_type=obj)


@admin.register(LevyType)
class LevyTypeAdmin(_ConfigAdmin):
    form = LevyTypeForm
    list_display = ("code", "name", "period", "fee_rule", "is_active")

    def save_model(self, request: HttpRequest, obj: LevyType, form: forms.ModelForm, change: bool) -> None:
        levy_type_save(actor=request.user, levy_type=obj)


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Taxpayer)
class TaxpayerAdmin(_ReadOnlyAdmin):
    list_display = ("npwpd", "name", "kind", "is_active", "registered_at")
    list_filter = ("kind", "is_active")
    search_fields = ("npwpd", "name")
    # The address and NPWP are personal data: shown on the office page (where viewing is audited), not here.
    exclude = ("address", "npwp")


@admin.register(TaxObject)
class TaxObjectAdmin(_ReadOnlyAdmin):
    list_display = ("nop", "taxpayer", "land_area_m2", "building_area_m2", "njop", "is_active")
    list_select_related = ("taxpayer",)
    search_fields = ("nop", "taxpayer__npwpd")
    list_filter = ("is_active",)


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnlyAdmin):
    list_display = ("year", "tax_object", "taxpayer", "amount", "due_date", "status")
    list_select_related = ("tax_object", "taxpayer")
    list_filter = ("year", "status")
    search_fields = ("tax_object__nop", "taxpayer__npwpd")


@admin.register(GenerationRun)
class GenerationRunAdmin(_ReadOnlyAdmin):
    list_display = ("year", "tax_type", "status", "done", "total", "created_count", "error_count", "created_at")
    list_filter = ("status", "year")


@admin.register(TaxReturn)
class TaxReturnAdmin(_ReadOnlyAdmin):
    list_display = ("taxpayer", "tax_type", "period_year", "period_month", "turnover", "amount", "status", "filed_late")
    list_select_related = ("taxpayer", "tax_type")
    list_filter = ("tax_type", "status", "filed_late", "period_year")
    search_fields = ("taxpayer__npwpd", "taxpayer__name")


@admin.register(PermitTax)
class PermitTaxAdmin(_ReadOnlyAdmin):
    list_display = ("case", "tax_type", "payer_name", "amount", "status")
    list_select_related = ("case", "tax_type")
    list_filter = ("tax_type", "status")


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnlyAdmin):
    list_display = ("levy_type", "tariff", "subscriber_name", "organization", "starts_on", "ends_on")
    list_select_related = ("levy_type", "organization")
    list_filter = ("levy_type",)


@admin.register(LevyCharge)
class LevyChargeAdmin(_ReadOnlyAdmin):
    list_display = ("subscription", "period_year", "period_month", "amount", "status")
    list_filter = ("status", "period_year")
