"""Administration of people: list with masked contact details, search (phone through the blind index),
creation of staff accounts (no password: an e-mailed link to choose one), audited access changes, and
the person's memberships (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import User
from balai.accounts.models.user import phone_blind_index
from balai.accounts.phone import looks_like_phone, mask_phone, normalize_phone
from balai.accounts.services import auth as services
from balai.core.masking import mask_email
from balai.organizations.admin import MembershipReadOnlyInline


class StaffAccountAddForm(forms.ModelForm):
    """The "add" form of the user admin: it creates a staff account (see ``staff_account_create``)."""

    phone = forms.CharField(label=_("Mobile number"), max_length=32, required=False, help_text=_("Optional."))
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The person receives a link at this address to choose a password."),
    )

    class Meta:
        model = User
        fields = ["full_name", "email"]

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        if not value:
            return ""
        return normalize_phone(value)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["full_name", "masked_email", "masked_phone", "kind", "is_active", "is_staff", "is_superuser"]
    list_filter = ["kind", "is_active", "is_staff", "is_superuser"]
    search_fields = ["full_name", "email"]
    ordering = ["full_name", "id"]
    inlines = [MembershipReadOnlyInline]
    filter_horizontal = ["groups", "user_permissions"]
    readonly_fields = [
        "masked_phone",
        "email_verified_at",
        "phone_verified_at",
        "last_login",
        "date_joined",
        "anonymised_at",
    ]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "masked_phone", "kind", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (
            _("Dates"),
            {"fields": ["email_verified_at", "phone_verified_at", "last_login", "date_joined", "anonymised_at"]},
        ),
    ]
    add_fieldsets = [(None, {"fields": ["full_name", "email", "phone"]})]

    @admin.display(description=_("e-mail address"), ordering="email")
    def masked_email(self, obj: User) -> str:
        return mask_email(obj.email or "") or "—"

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone) or "—"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else super().get_inlines(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = StaffAccountAddForm
            kwargs["fields"] = ["full_name", "email", "phone"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        if term and looks_like_phone(term) and any(c.isdigit() for c in term):
            try:
                index = phone_blind_index(normalize_phone(term))
            except ValidationError:
                index = None
            if index:
                results = results | queryset.filter(phone_index=index)
        return results, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        if not change:
            created = services.staff_account_create(
                actor=request.user,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data.get("phone") or None,
                base_url=request.build_absolute_uri("/"),
            )
            # The admin goes on with ``obj`` (log entry, redirect): make it the account just created.
            obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
            obj._state.adding = False
            obj._state.db = created._state.db
            messages.info(request, _("A link to choose a password was sent to the new staff member."))
            return
        services.user_update_by_admin(actor=request.user, user=obj, changed_fields=list(form.changed_data))
