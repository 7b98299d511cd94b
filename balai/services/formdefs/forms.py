"""Django forms built from a form definition: the same cleaners as the API (``values.py``), the design
system's accessible field template, and nothing that trusts a hidden input."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

from .definition import DEFAULT_MAX_LENGTH, DEFAULT_MAX_MB, field_specs, upload_specs
from .uploads import check_upload
from .values import (
    AnswerError,
    choice_items,
    clean_value,
    current_language,
    field_label,
    local_today,
    resolve_date_bound,
)

RADIO_LIMIT = 5  # up to this many options show as radio buttons (all visible at once); more as a select


def _hint(spec: dict[str, Any], language: str | None) -> str:
    if current_language(language) == "en" and spec.get("hint_en"):
        return str(spec["hint_en"])
    return str(spec.get("hint") or "")


class LabelledMultiWidget(forms.MultiWidget):
    """Inputs that belong together (latitude and longitude; district and village), each with its own label,
    inside the fieldset and legend that the field template draws for multi-widgets."""

    template_name = "services/forms/multi_input.html"
    part_labels: tuple[str, ...] = ()

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["parts"] = list(zip(self.part_labels, context["widget"]["subwidgets"], strict=False))
        return context


class GeoWidget(LabelledMultiWidget):
    def __init__(self, attrs: dict | None = None) -> None:
        number = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "class": "input--short"}
        super().__init__(
            widgets={
                "lat": forms.TextInput(attrs={**number, "maxlength": 16}),
                "lon": forms.TextInput(attrs={**number, "maxlength": 16}),
            },
            attrs=attrs,
        )
        self.part_labels = (_("Latitude"), _("Longitude"))

    def decompress(self, value: Any) -> list:
        if isinstance(value, dict):
            return [value.get("lat"), value.get("lon")]
        return [None, None]


class RegionWidget(LabelledMultiWidget):
    """District and village selects. Without JavaScript the village list cannot follow the district, so the
    villages are grouped by district; the server checks that the two agree."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(widgets={"district": forms.Select(), "village": forms.Select()}, attrs=attrs)
        self.part_labels = (_("District (kecamatan)"), _("Village (kelurahan/desa)"))

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        from balai.organizations.models import District, Village

        districts = list(District.objects.order_by("name").values_list("code", "name", "pk"))
        by_district: dict[int, list[tuple[str, str]]] = {}
        for code, village_name, district_id in Village.objects.order_by("name").values_list(
            "code", "name", "district_id"
        ):
            by_district.setdefault(district_id, []).append((code, village_name))
        blank = ("", _("Choose…"))
        self.widgets[0].choices = [blank, *[(code, dname) for code, dname, _pk in districts]]
        self.widgets[1].choices = [blank, *[(dname, by_district.get(pk, [])) for _code, dname, pk in districts]]
        return super().get_context(name, value, attrs)

    def decompress(self, value: Any) -> list:
        if isinstance(value, dict):
            return [value.get("district"), value.get("village")]
        return [None, None]


def _widget_for(spec: dict[str, Any], language: str | None) -> forms.Widget:
    ftype = spec["type"]
    if ftype in {"text", "textarea"}:
        attrs = {"maxlength": spec.get("max_length") or DEFAULT_MAX_LENGTH[ftype]}
        if ftype == "textarea":
            return forms.Textarea(attrs={**attrs, "rows": 5})
        return forms.TextInput(attrs=attrs)
    if ftype == "integer":
        return forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short", "maxlength": 19})
    if ftype == "decimal":
        return forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short", "maxlength": 27})
    if ftype == "date":
        attrs: dict[str, Any] = {"type": "date"}
        not_after = resolve_date_bound(spec.get("not_after"))
        if not_after:
            attrs["max"] = not_after.isoformat()
        not_before = resolve_date_bound(spec.get("not_before"))
        if not_before:
            attrs["min"] = not_before.isoformat()
        return forms.DateInput(attrs=attrs, format="%Y-%m-%d")
    if ftype == "choice":
        items = choice_items(spec, language)
        if len(items) <= RADIO_LIMIT:
            return forms.RadioSelect(choices=items)
        return forms.Select(choices=[("", _("Choose…")), *items])
    if ftype == "nik":
        return forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24, "spellcheck": "false"}
        )
    if ftype == "phone":
        return forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 32})
    if ftype == "email":
        return forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"})
    if ftype == "checkbox":
        return forms.CheckboxInput()
    if ftype == "geo":
        return GeoWidget()
    if ftype == "region":
        return RegionWidget()
    raise ValueError(f"no widget for field type {ftype!r}")


def _auto_hint(spec: dict[str, Any]) -> str:
    ftype = spec["type"]
    if ftype == "nik":
        return _("16 digits, as on the KTP or the family card (KK).")
    if ftype == "date":
        return _("For example 17/08/1990.")
    if ftype == "geo":
        return _("Decimal degrees, for example latitude -6,2 and longitude 106,8 (copy them from a map application).")
    if ftype == "phone":
        return _("A mobile number, for example 0812 3456 7890.")
    return ""


class AnswerField(forms.Field):
    """One answer of a definition; cleaning is ``values.clean_value``, the API's rules."""

    def __init__(self, spec: dict[str, Any], *, language: str | None, partial: bool) -> None:
        self.spec = spec
        self.language = language
        self.partial = partial
        hint = _hint(spec, language) or _auto_hint(spec)
        super().__init__(
            required=bool(spec.get("required", False)),
            label=field_label(spec, language),
            help_text=conditional_escape(hint),
            widget=_widget_for(spec, language),
        )

    def clean(self, value: Any) -> Any:
        if self.spec["type"] == "geo" and isinstance(value, list | tuple):
            value = dict(zip(("lat", "lon"), value, strict=False))
        elif self.spec["type"] == "region" and isinstance(value, list | tuple):
            value = dict(zip(("district", "village"), value, strict=False))
        try:
            return clean_value(self.spec, value, required=False if self.partial else None, language=self.language)
        except AnswerError as exc:
            raise ValidationError(exc.messages) from exc


def upload_hint(spec: dict[str, Any]) -> str:
    types = ", ".join(str(ext).upper() for ext in spec.get("file") or [])
    return _("File type %(types)s, at most %(max)s MB.") % {"types": types, "max": spec.get("max_mb") or DEFAULT_MAX_MB}


class UploadField(forms.FileField):
    """A requirement (or a field of type ``file``): checked by content with ``check_upload``. A file uploaded
    earlier (passed as ``initial``, e.g. a draft's attachment) satisfies the requirement."""

    def __init__(self, spec: dict[str, Any], *, language: str | None, partial: bool) -> None:
        self.spec = spec
        self.language = language
        hint = _hint(spec, language)
        help_text = conditional_escape(" ".join(part for part in (hint, upload_hint(spec)) if part))
        accept = ",".join(f".{str(ext).lower()}" for ext in spec.get("file") or [])
        super().__init__(
            required=not (partial or spec.get("optional", False)),
            label=field_label(spec, language),
            help_text=help_text,
            widget=forms.FileInput(attrs={"accept": accept}),
        )

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not data:
            if initial:
                return initial
            if self.required:
                raise ValidationError(
                    _("Upload %(label)s.") % {"label": field_label(self.spec, self.language)}, code="required"
                )
            return None
        try:
            content_type = check_upload(self.spec, data)
        except ValidationFailed as exc:
            messages = [str(m) for m in exc.fields.get(str(self.spec.get("code")), [])] or [str(exc.message)]
            raise ValidationError(messages) from exc
        data.balai_content_type = content_type
        return data


class DefinitionForm(forms.Form):
    """The form of one service version. ``answers`` holds the JSON-ready answers, ``uploads`` the new files
    (each with ``balai_content_type``) keyed by requirement code. It has no hidden inputs: the service
    version, the applicant and the fee come from the server, never from the page."""

    # The server's messages (Indonesian, naming the field) are clearer than a browser's bubble.
    use_required_attribute = False

    def __init__(self, *args: Any, definition: dict, language: str | None = None, partial: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.language = language
        self.partial = partial
        self.answer_codes: list[str] = []
        self.upload_codes: list[str] = []
        with self._language():
            for spec in field_specs(definition):
                if spec["type"] == "file":
                    continue
                self.fields[spec["code"]] = AnswerField(spec, language=language, partial=partial)
                self.answer_codes.append(spec["code"])
            for spec in upload_specs(definition):
                self.fields[spec["code"]] = UploadField(spec, language=language, partial=partial)
                self.upload_codes.append(spec["code"])

    def _language(self):
        return translation.override(self.language) if self.language else nullcontext()

    def full_clean(self) -> None:
        with self._language():
            super().full_clean()

    @property
    def answers(self) -> dict[str, Any]:
        return {code: self.cleaned_data[code] for code in self.answer_codes if code in self.cleaned_data}

    @property
    def uploads(self) -> dict[str, Any]:
        return {
            code: self.cleaned_data[code]
            for code in self.upload_codes
            if hasattr(self.cleaned_data.get(code), "balai_content_type")
        }


def build_form(
    definition: dict,
    *,
    data: Any = None,
    files: Any = None,
    initial: dict | None = None,
    language: str | None = None,
    partial: bool = False,
    prefix: str | None = None,
) -> DefinitionForm:
    """One field per definition field and one file field per requirement with files; ``partial=True`` (saving
    a draft) checks what was entered without insisting on required answers."""
    return DefinitionForm(
        data=data,
        files=files,
        initial=initial,
        definition=definition,
        language=language,
        partial=partial,
        prefix=prefix,
    )


__all__ = ["DefinitionForm", "build_form", "local_today"]
