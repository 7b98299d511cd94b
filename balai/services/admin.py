"""Administrators edit the catalogue at /admin/. Saves go through the service functions, so an edit of a
service's form or workflow creates a new version (cases keep theirs) and every change is audited."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from balai.core.exceptions import BalaiError
from balai.services import services
from balai.services.models import FeeRuleConfig, Service, ServiceCategory, ServiceVersion
from balai.services.services import SERVICE_FIELDS


class ServiceAdminForm(forms.ModelForm):
    form_definition = forms.JSONField(
        label=_("Form definition"),
        required=False,
        help_text=_(
            'JSON: {"fields": [...], "requirements": [...]}. Changing it (or the workflow) creates a new version; '
            "applications already submitted keep theirs."
        ),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
    )
    workflow = forms.ModelChoiceField(label=_("Workflow"), queryset=None, required=False)

    class Meta:
        model = Service
        fields = ["code", *SERVICE_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from balai.cases.models import Workflow

        super().__init__(*args, **kwargs)
        self.fields["workflow"].queryset = Workflow.objects.order_by("code")
        version = self.instance.current_version if self.instance.pk else None
        if version is not None:
            self.initial.setdefault("form_definition", version.form_definition)
            self.initial.setdefault("workflow", version.workflow_id)

    def clean(self) -> dict[str, Any]:
        from balai.services.formdefs import validate_definition

        cleaned = super().clean()
        definition = cleaned.get("form_definition")
        if definition not in (None, "", {}):
            if not isinstance(definition, dict):
                self.add_error("form_definition", _("The form definition must be a JSON object."))
            else:
                try:
                    validate_definition(
                        {"fields": definition.get("fields") or [], "requirements": definition.get("requirements") or []}
                    )
                except BalaiError as exc:
                    for message in [m for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]:
                        self.add_error("form_definition", message)
            if not cleaned.get("workflow"):
                self.add_error("workflow", _("Choose the workflow that applications of this form follow."))
        return cleaned


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceAdminForm
    list_display = ("code", "name", "owner", "category", "kind", "is_published", "current_version")
    list_filter = ("is_published", "kind", "category", "owner")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("owner", "category", "current_version")
    readonly_fields = ("current_version",)
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "owner", "category", "kind", "is_published", "current_version")}),
        (
            _("Description"),
            {
                "fields": (
                    "summary",
                    "summary_en",
                    "description",
                    "description_en",
                    "eligibility",
                    "eligibility_en",
                    "steps",
                    "steps_en",
                    "legal_basis",
                    "output",
                )
            },
        ),
        (
            _("Duration, cost and routing"),
            {"fields": ("sla_days", "sla_extension_days", "fee_kind", "fee_amount", "fee_rule", "routing", "extra")},
        ),
        (_("Form and workflow (versioned)"), {"fields": ("form_definition", "workflow")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Service | None = None) -> tuple[str, ...]:
        # The code is in every registration number: fixed once created.
        return ("code", "current_version") if obj is not None else ("current_version",)

    def save_model(self, request: HttpRequest, obj: Service, form: forms.ModelForm, change: bool) -> None:
        model_fields = [f for f in form.changed_data if f in services.SERVICE_FIELDS]
        values = {name: form.cleaned_data[name] for name in model_fields}
        definition = form.cleaned_data.get("form_definition")
        workflow = form.cleaned_data.get("workflow")
        publish_now = values.pop("is_published", None)
        if change:
            saved = Service.objects.get(pk=obj.pk)
            if values:
                saved = services.service_update(actor=request.user, service=saved, **values)
        else:
            saved = services.service_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=values.pop("name"),
                owner=values.pop("owner"),
                category=values.pop("category"),
                **values,
            )
        if workflow is not None:
            version = services.service_change_form(
                actor=request.user, service=saved, form_definition=definition or {}, workflow=workflow
            )
            if version is not None and change:
                messages.info(request, _("Version %(number)s of the form was created.") % {"number": version.number})
        if publish_now is not None:
            saved = services.service_update(actor=request.user, service=saved, is_published=publish_now)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except BalaiError as exc:
            # A rule only the service knows (e.g. publishing without a form): the whole save was rolled
            # back; say why.
            messages.error(request, " ".join([str(exc.message), *[m for ms in exc.fields.values() for m in ms]]))
            return HttpResponseRedirect(request.get_full_path())


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "position")
    search_fields = ("code", "name", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: ServiceCategory | None = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: ServiceCategory, form: forms.ModelForm, change: bool) -> None:
        values = {f: form.cleaned_data[f] for f in form.changed_data if f in services.CATEGORY_FIELDS}
        if change:
            saved = services.service_category_update(
                actor=request.user, category=obj.__class__.objects.get(pk=obj.pk), **values
            )
        else:
            saved = services.service_category_create(actor=request.user, code=form.cleaned_data["code"], **values)
        obj.pk = saved.pk


@admin.register(ServiceVersion)
class ServiceVersionAdmin(admin.ModelAdmin):
    """Versions are history: read only (a new one comes from editing the service)."""

    list_display = ("service", "number", "workflow", "created_at", "created_by")
    list_select_related = ("service", "workflow", "created_by")
    list_filter = ("workflow",)
    search_fields = ("service__code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FeeRuleConfigForm(forms.ModelForm):
    class Meta:
        model = FeeRuleConfig
        fields = ["code", "description", "config"]

    def clean_config(self) -> Any:
        config = self.cleaned_data["config"]
        if not isinstance(config, dict):
            raise forms.ValidationError(_("The configuration must be a JSON object."))
        json.dumps(config)
        return config


@admin.register(FeeRuleConfig)
class FeeRuleConfigAdmin(admin.ModelAdmin):
    form = FeeRuleConfigForm
    list_display = ("code", "description", "updated_at")

    def save_model(self, request: HttpRequest, obj: FeeRuleConfig, form: forms.ModelForm, change: bool) -> None:
        services.fee_rule_save(actor=request.user, rule=obj, changed=form.changed_data)
