"""Administration of organizations, regions and memberships. Every write goes through the services so
the admin, the API and management commands are checked and audited alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from balai.core.exceptions import BalaiError
from balai.organizations import services
from balai.organizations.models import District, Membership, Organization, Region, Village
from balai.organizations.scoping import is_platform_admin, organization_ids_for
from balai.organizations.services import ORGANIZATION_FIELDS, can_administer


class OrganizationUnitInline(admin.TabularInline):
    """Units are shown here and edited on their own page (so that each change is audited)."""

    model = Organization
    fk_name = "parent"
    fields = ["code", "name", "kind", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("unit")
    verbose_name_plural = _("units")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequestFormMixin:
    """Lets a ModelAdmin hand the request to its form, so the form can check the actor's rights."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]

        class RequestForm(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.request = request

        return RequestForm


class OrganizationAdminForm(forms.ModelForm):
    request: HttpRequest | None = None
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https", help_text=_("https://…")
    )

    class Meta:
        model = Organization
        fields = ["code", *ORGANIZATION_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        actor = self.request.user if self.request else None
        parent = data.get("parent")
        if self.instance.pk is None:
            if not can_administer(actor, parent):
                raise ValidationError({"parent": _("You may only add units to organizations you administer.")})
        else:
            if not can_administer(actor, self.instance):
                raise ValidationError(_("You may not change this organization."))
            if parent != self.instance.parent and not can_administer(actor, parent):
                raise ValidationError({"parent": _("You may only move units to organizations you administer.")})
        return data


@admin.register(Organization)
class OrganizationAdmin(RequestFormMixin, admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [OrganizationUnitInline]
    ordering = ["code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if is_platform_admin(request.user):
            return queryset
        return queryset.filter(id__in=organization_ids_for(request.user, roles=["administrator"]))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # organizations are deactivated, never deleted (records point at them)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in ORGANIZATION_FIELDS if name in form.cleaned_data}
        # The form has checked permission and validity; a refusal here (a race) raises and saves nothing.
        if change:
            saved = services.organization_update(actor=request.user, organization=obj, **data)
        else:
            data.pop("parent", None)
            saved = services.organization_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=data.pop("name"),
                kind=data.pop("kind"),
                parent=form.cleaned_data.get("parent"),
                **data,
            )
        obj.pk = saved.pk
        obj._state.adding = False


class MembershipAdminForm(forms.ModelForm):
    request: HttpRequest | None = None

    class Meta:
        model = Membership
        fields = ["user", "organization", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organization, role, user = data.get("organization"), data.get("role"), data.get("user")
        if organization is None or role is None or user is None:
            return data
        actor = self.request.user if self.request else None
        if not can_administer(actor, organization):
            raise ValidationError({"organization": _("You may not manage memberships of this organization.")})
        existing = Membership.objects.active().filter(user=user, organization=organization, role=role)
        if self.instance.pk:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise ValidationError(_("This person already holds this role in this organization."))
        return data

    def validate_unique(self) -> None:
        pass  # checked in clean() with a clearer message; the database constraint still holds


@admin.register(Membership)
class MembershipAdmin(RequestFormMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organization", "role", "created_at", "ended_at", "granted_by"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["user__email", "user__full_name", "organization__code", "organization__name"]
    list_select_related = ["user", "organization", "granted_by"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organization"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        readonly = ["user", "organization", "created_at", "ended_at", "granted_by"]
        if obj.ended_at is not None:
            readonly.append("role")
        return readonly

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        if is_platform_admin(request.user):
            return queryset
        return queryset.filter(organization_id__in=organization_ids_for(request.user, roles=["administrator"]))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # memberships end (revoke), they are not deleted
        return actions

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if not change:
            saved = services.membership_grant(
                actor=request.user, user=obj.user, organization=obj.organization, role=obj.role
            )
        else:
            current = Membership.objects.get(pk=obj.pk)
            saved = current
            if "role" in form.changed_data and current.ended_at is None:
                saved = services.membership_change_role(actor=request.user, membership=current, role=obj.role)
        for field in ("pk", "role", "created_at", "ended_at", "granted_by_id"):
            setattr(obj, field, getattr(saved, field))
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        if obj.ended_at is None:
            services.membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset.filter(ended_at__isnull=True):
            services.membership_revoke(actor=request.user, membership=membership)

    @admin.action(description=_("End the selected memberships"))
    def revoke_selected(self, request: HttpRequest, queryset: Any) -> None:
        ended = 0
        for membership in queryset.filter(ended_at__isnull=True).select_related("organization"):
            try:
                services.membership_revoke(actor=request.user, membership=membership)
                ended += 1
            except BalaiError as exc:
                messages.error(request, str(exc.message))
        messages.success(
            request,
            ngettext("%(count)d membership ended.", "%(count)d memberships ended.", ended) % {"count": ended},
        )


class MembershipReadOnlyInline(admin.TabularInline):
    """The memberships of a person, read-only, for the user admin (changes go through MembershipAdmin)."""

    model = Membership
    fk_name = "user"
    fields = ["organization", "role", "created_at", "ended_at", "granted_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("membership")
    verbose_name_plural = _("memberships")
    ordering = ["ended_at", "organization__name"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("organization", "granted_by")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]
