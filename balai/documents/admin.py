"""Administrators edit document templates and signing profiles at /admin/; issued documents are read only there.
Every save goes through the documents services, so the admin, a management command and the demo loader apply
the same checks (placeholders, reference pattern, NIP, logo), write the same versions and the same audit."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from balai.core.exceptions import BalaiError
from balai.documents import services
from balai.documents.models import DocumentTemplate, DocumentTemplateVersion, IssuedDocument, SigningProfile
from balai.documents.pdf import MAX_LOGO_BYTES
from balai.documents.templating import placeholder_help


def _add_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    for name, messages_ in errors.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _logo_value(value: Any) -> Any:
    """What the service understands: an upload sets the logo, False removes it, anything else keeps it."""
    if isinstance(value, UploadedFile):
        return value
    return False if value is False else None


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = [*services.TEMPLATE_FIELDS, "logo"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18, "cols": 100})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].help_text = _(
                "Plain text. An empty line starts a paragraph; lines starting with | make a table of label and value "
                "(| Nama | {{ answers.child_name }}). Placeholders: {{ answers.<field code> }} for the answers of "
                "the service's form, and the ones listed below."
            )
        if "reference_pattern" in self.fields:
            self.fields["reference_pattern"].help_text = _(
                "Tokens: {agency}, {service}, {seq} (or {seq:5} for five digits), {month_roman}, {month}, {year}. "
                "{seq} and {year} are required; the running number starts again every year."
            )
        if "logo" in self.fields:
            self.fields["logo"].help_text = _("PNG or JPEG, at most 1 MB and 3000 pixels on each side.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        for name in services.TEMPLATE_FIELDS:
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        logo = _logo_value(cleaned.get("logo"))
        logo_data = None
        if logo is not None and logo is not False:
            logo.seek(0)
            logo_data = logo.read(MAX_LOGO_BYTES + 1)
            logo.seek(0)
        # Field-level checks of the model are the ModelForm's own; add the ones only the service knows.
        _add_errors(self, services.template_errors(candidate, logo_data=logo_data, include_model=False))
        return cleaned


class VersionInline(admin.TabularInline):
    model = DocumentTemplateVersion
    fields = ("number", "created_at", "created_by", "logo_storage_name")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ("-number",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ("document_type", "code", "kind", "service", "organization", "version", "is_active")
    list_filter = ("kind", "is_active", "organization")
    search_fields = ("code", "document_type", "title", "service__code")
    list_select_related = ("service", "organization")
    inlines = [VersionInline]
    readonly_fields = ("version", "placeholders")
    fieldsets = (
        (None, {"fields": ("code", "kind", "service", "organization", "document_type", "is_active", "version")}),
        (_("Letterhead"), {"fields": ("letterhead_name", "letterhead_lines", "logo")}),
        (_("Content"), {"fields": ("title", "reference_pattern", "body", "placeholders")}),
        (_("Signing official"), {"fields": ("signer_name", "signer_position", "signer_nip", "place")}),
    )

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [VersionInline] if obj is not None else []

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code names the numbering scope of issued documents: fixed once created.
        return ("code", "version", "placeholders") if obj is not None else ("version", "placeholders")

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj: Any) -> str:
        return format_html("<ul>{}</ul>", format_html_join("", "<li><code>{}</code>: {}</li>", placeholder_help()))

    def save_model(self, request: HttpRequest, obj: DocumentTemplate, form: forms.ModelForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS if name in form.cleaned_data}
        logo = _logo_value(form.cleaned_data.get("logo"))
        if logo is not None:
            data["logo"] = logo
        target = DocumentTemplate(pk=obj.pk) if change else DocumentTemplate()
        saved = services.document_template_save(actor=request.user, template=target, data=data)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except BalaiError as exc:
            # A rule only the service could see (a concurrent edit, a permission): nothing was stored; say why.
            messages.error(request, " ".join([str(exc.message), *[m for ms in exc.fields.values() for m in ms]]))
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # issued documents point at its versions; switch a template off instead


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        min_length=services.MIN_REASON_LENGTH,
        max_length=services.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Shown on the documents' verification pages."),
    )


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "document_type", "kind", "status", "organization", "issued_at")
    list_filter = ("status", "kind", "organization")
    search_fields = ("=number", "=public_id", "=sha256")
    list_select_related = ("organization",)
    date_hierarchy = "issued_at"
    show_full_result_count = False
    actions = ["revoke_documents"]
    readonly_fields = [f.name for f in IssuedDocument._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Revoke the selected documents"), permissions=["revoke"])
    def revoke_documents(self, request: HttpRequest, queryset: Any) -> Any:
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done, refused = 0, []
            for document in queryset:
                try:
                    services.document_revoke(actor=request.user, document=document, reason=form.cleaned_data["reason"])
                    done += 1
                except BalaiError as exc:
                    refused.append(f"{document.number}: {exc.message}")
            if done:
                self.message_user(
                    request,
                    ngettext("%(count)d document was revoked.", "%(count)d documents were revoked.", done)
                    % {"count": done},
                    messages.SUCCESS,
                )
            for line in refused:
                self.message_user(request, line, messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/documents/issueddocument/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke documents"),
                "documents": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class SigningProfileForm(forms.ModelForm):
    class Meta:
        model = SigningProfile
        fields = list(services.PROFILE_FIELDS)

    def clean(self) -> dict[str, Any]:
        from balai.documents.signing import register

        cleaned = super().clean()
        provider = cleaned.get("provider")
        if provider in register:
            for key, problems in register[provider].config_errors(cleaned.get("config")).items():
                for problem in problems:
                    self.add_error("config", problem if key == "config" else f"{key}: {problem}")
        return cleaned


@admin.register(SigningProfile)
class SigningProfileAdmin(admin.ModelAdmin):
    form = SigningProfileForm
    list_display = ("organization", "provider", "is_active", "certificate_sha256", "updated_at")
    list_filter = ("provider", "is_active")
    search_fields = ("organization__code", "organization__name")
    list_select_related = ("organization",)
    readonly_fields = ("certificate_pem", "certificate_sha256", "updated_at")

    def save_model(self, request: HttpRequest, obj: SigningProfile, form: forms.ModelForm, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS if name in form.cleaned_data}
        target = SigningProfile(pk=obj.pk) if change else SigningProfile()
        saved = services.signing_profile_save(actor=request.user, profile=target, data=data)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except BalaiError as exc:
            messages.error(request, " ".join([str(exc.message), *[m for ms in exc.fields.values() for m in ms]]))
            return HttpResponseRedirect(request.get_full_path())
