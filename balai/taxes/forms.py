"""Forms of the tax pages. They parse what people type; the services check the rules again and have the last word
(their messages are put back on the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.core.exceptions import BalaiError
from balai.taxes import nop as nop_rules
from balai.taxes.models import LiabilityStatus, TaxpayerKind, TaxType

MONTH_CHOICES = [(str(m), f"{m:02d}") for m in range(1, 13)]
YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


def put_errors(form: forms.Form, exc: BalaiError) -> None:
    """Show a service's error on the form: per field where the field exists, else above the form."""
    if exc.fields:
        for name, messages in exc.fields.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, str(exc.message))


class NopField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("Tax object number (NOP)"))
        kwargs.setdefault("help_text", _("18 digits as on the SPPT, for example 32.01.010.001.001.0001.0."))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)


class CheckForm(forms.Form):
    nop = NopField()

    def clean_nop(self) -> str:
        try:
            return nop_rules.validate(self.cleaned_data["nop"]).digits
        except BalaiError as exc:
            raise forms.ValidationError(exc.fields.get("nop") or [str(exc.message)]) from None


class FilingForm(forms.Form):
    taxpayer = forms.ChoiceField(label=_("Taxpayer (NPWPD)"))
    tax_type = forms.ChoiceField(label=_("Tax"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.ChoiceField(label=_("Month"), choices=MONTH_CHOICES)
    turnover = forms.CharField(
        label=_("Turnover of the month (rupiah)"),
        max_length=20,
        help_text=_("Whole rupiah, digits only, for example 15000000. Enter 0 when there was no turnover."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, taxpayers: list[Any], tax_types: list[TaxType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["taxpayer"].choices = [(t.npwpd, f"{t.npwpd} — {t.name}") for t in taxpayers]
        self.fields["tax_type"].choices = [(t.code, t.name) for t in tax_types]
        today = timezone.localdate()
        last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        self.fields["year"].initial = last_month[0]
        self.fields["month"].initial = str(last_month[1])


# --- Staff ---------------------------------------------------------------------------------------------


class TaxpayerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaxpayerKind.choices)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    npwp = forms.CharField(label=_("NPWP (optional)"), max_length=25, required=False)
    tax_types = forms.MultipleChoiceField(
        label=_("Registered for"), required=False, widget=forms.CheckboxSelectMultiple
    )
    account_email = forms.EmailField(
        label=_("Link the account with this e-mail address (optional)"), required=False, max_length=254
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax_types"].choices = [
            (t.code, t.name) for t in TaxType.objects.filter(is_active=True).order_by("code")
        ]


class LinkAccountForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254)


class ObjectForm(forms.Form):
    nop = NopField()
    npwpd = forms.CharField(
        label=_("NPWPD of the taxpayer"), max_length=17, help_text=_("For example P.1.0000001.99.01.")
    )
    location = forms.CharField(label=_("Location of the object"), max_length=300, required=False)
    land_area_m2 = forms.IntegerField(label=_("Land area (m²)"), min_value=1)
    building_area_m2 = forms.IntegerField(label=_("Building area (m²)"), min_value=0, initial=0)
    njop_land_per_m2 = forms.IntegerField(label=_("NJOP of land per m² (rupiah)"), min_value=1)
    njop_building_per_m2 = forms.IntegerField(label=_("NJOP of building per m² (rupiah)"), min_value=0, initial=0)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Tax year"), min_value=2000, max_value=2100)


class TaxpayerFilter(forms.Form):
    q = forms.CharField(label=_("NPWPD or name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *TaxpayerKind.choices], required=False)
    active = forms.ChoiceField(label=_("Active"), choices=YES_NO, required=False)


class ObjectFilter(forms.Form):
    nop = forms.CharField(
        label=_("NOP begins with"),
        max_length=40,
        required=False,
        help_text=_("Digits of the NOP from the left, e.g. 9901010 for one district."),
    )
    npwpd = forms.CharField(label=_("NPWPD"), max_length=17, required=False)
    active = forms.ChoiceField(label=_("Active"), choices=YES_NO, required=False)

    def clean_nop(self) -> str:
        digits = nop_rules.normalise(self.cleaned_data.get("nop") or "")
        if digits and (not digits.isascii() or not digits.isdigit() or len(digits) > nop_rules.NOP_LENGTH):
            raise forms.ValidationError(_("Enter up to 18 digits of the NOP."))
        return digits


class AssessmentFilter(ObjectFilter):
    year = forms.IntegerField(label=_("Tax year"), min_value=2000, max_value=2100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *LiabilityStatus.choices], required=False)

    field_order = ["year", "status", "nop"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["npwpd"], self.fields["active"]


class ReturnFilter(forms.Form):
    tax_type = forms.ChoiceField(label=_("Tax"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.ChoiceField(label=_("Month"), choices=[("", _("All")), *MONTH_CHOICES], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *LiabilityStatus.choices], required=False)
    late = forms.ChoiceField(label=_("Filed late"), choices=YES_NO, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax_type"].choices = [("", _("All"))] + [
            (t.code, t.name) for t in TaxType.objects.filter(assessment="self").order_by("code")
        ]


class ArrearsFilter(forms.Form):
    revenue_code = forms.ChoiceField(label=_("Tax"), required=False)
    due_before = forms.DateField(
        label=_("Due on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example 2026-08-31."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revenue_code"].choices = [("", _("All"))] + [
            (t.code, t.name) for t in TaxType.objects.order_by("code")
        ]
