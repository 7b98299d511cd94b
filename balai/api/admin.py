"""API keys in the administration: create (the key is shown once), list, revoke. Nothing is edited or
deleted afterwards: a key that is no longer wanted is revoked, and the row stays for the record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from balai.api.models import KEY_PREFIX, ApiKey
from balai.api.scopes import scope_choices
from balai.api.services import api_key_create, api_key_revoke
from balai.core.exceptions import BalaiError


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a key that may only read its owner's own data and public data."),
    )

    class Meta:
        model = ApiKey
        fields = ["name", "owner", "scopes", "expires_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()

    def clean_owner(self) -> Any:
        owner = self.cleaned_data["owner"]
        if owner is not None and (not owner.is_active or owner.anonymised_at is not None):
            raise forms.ValidationError(_("The owner's account is not active."))
        return owner

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires_at


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("usable", _("usable")), ("revoked", _("revoked")), ("expired", _("expired"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        now = timezone.now()
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyCreateForm
    list_display = ["name", "owner", "key_start", "scope_list", "state", "created_at", "last_used_at", "expires_at"]
    list_filter = [StateFilter]
    list_select_related = ["owner"]
    search_fields = ["name", "=prefix"]
    raw_id_fields = ["owner"]
    actions = ["revoke_keys"]
    readonly_fields = [
        "name",
        "owner",
        "key_start",
        "scope_list",
        "state",
        "created_at",
        "last_used_at",
        "revoked_at",
        "expires_at",
    ]

    @admin.display(description=_("key"))
    def key_start(self, obj: ApiKey) -> str:
        return f"{KEY_PREFIX}_{obj.prefix}_…"

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes or []) or "—"

    @admin.display(description=_("state"))
    def state(self, obj: ApiKey) -> str:
        if obj.is_revoked:
            return gettext("revoked")
        if obj.is_expired:
            return gettext("expired")
        return gettext("usable")

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["name", "owner", "scopes", "expires_at"]
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # keys are never edited; see revoke

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked keys stay for the record

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.has_perm("api.change_apikey")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: forms.ModelForm, change: bool) -> None:
        key, clear_key = api_key_create(
            actor=request.user,
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data.get("scopes") or (),
            expires_at=form.cleaned_data.get("expires_at"),
        )
        # The admin goes on with ``obj`` (change log, redirect): make it the saved row.
        obj.__dict__.update({f.attname: getattr(key, f.attname) for f in ApiKey._meta.concrete_fields})
        obj._state.adding = False
        request._balai_clear_api_key = clear_key  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None) -> HttpResponse:
        clear_key = getattr(request, "_balai_clear_api_key", None)
        if clear_key is None:
            return super().response_add(request, obj, post_url_continue)
        # Rendered straight away (not a redirect with a flash message) so the key never sits in a cookie or
        # in the session: it exists in this one response only.
        response = TemplateResponse(
            request,
            "api/admin/key_created.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("API key created"),
                "opts": self.opts,
                "api_key": obj,
                "clear_key": clear_key,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected API keys"), permissions=["revoke"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                api_key_revoke(actor=request.user, api_key=key)
            except BalaiError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
                return
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d API key revoked.", "%(count)d API keys revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )
