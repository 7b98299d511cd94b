"""Forms of the citizen's own pages (/saya/) and of the staff citizen page. They parse input only; the
rules live in ``services.profile`` and ``services.privacy``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balai.accounts.models import CitizenProfile, Sex
from balai.accounts.nik import mask_nik, normalize_nik, validate_nik
from balai.accounts.services.profile import ADDRESS_MAX_LENGTH, FULL_NAME_MAX_LENGTH
from balai.organizations.models import District, Village

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class ProfileForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("The 16-digit number on your KTP (e-KTP) or family card (KK)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=FULL_NAME_MAX_LENGTH,
        help_text=_("As written on your KTP."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "input"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("For example 17-08-1990."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday", "class": "input"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    address = forms.CharField(
        label=_("Address"),
        max_length=ADDRESS_MAX_LENGTH,
        help_text=_("Street, house number, RT/RW."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address", "class": "input"}),
    )
    district = forms.ModelChoiceField(
        label=_("District (kecamatan)"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("Choose a district"),
    )
    village = forms.TypedChoiceField(
        label=_("Village (kelurahan/desa)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Villages are grouped by district; choose one in the district above."),
    )

    def __init__(self, *args: Any, profile: CitizenProfile | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        groups: dict[str, list[tuple[int, str]]] = {}
        for village in Village.objects.select_related("district").order_by("district__name", "name"):
            groups.setdefault(village.district.name, []).append((village.pk, village.name))
        self.fields["village"].choices = [("", _("Choose a village")), *groups.items()]
        if groups:
            # Regions are loaded: an address must name them.
            self.fields["district"].required = True
            self.fields["village"].required = True
        if profile is not None and profile.nik:
            self.fields["nik"].required = False
            self.fields["nik"].help_text = _(
                "Recorded: %(nik)s. Leave empty to keep it, or enter the 16 digits to change it."
            ) % {"nik": mask_nik(profile.nik)}

    def clean_nik(self) -> str:
        # The structure is checked here so that its message shows together with the other fields' errors;
        # the service checks it again against the birth date and sex.
        value = normalize_nik(self.cleaned_data.get("nik"))
        if value:
            validate_nik(value)
        return value

    def clean_village(self) -> Village | None:
        pk = self.cleaned_data.get("village")
        if pk is None:
            return None
        village = Village.objects.select_related("district").filter(pk=pk).first()
        if village is None:
            raise forms.ValidationError(_("Choose a village from the list."), code="invalid_choice")
        return village

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        district, village = data.get("district"), data.get("village")
        if district is not None and village is not None and village.district_id != district.pk:
            self.add_error("village", _("The village is not in the chosen district."))
        if not data.get("nik") and self.profile is not None and self.profile.nik and "nik" not in self.errors:
            data["nik"] = self.profile.nik
        return data


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        help_text=_("To confirm that it is you."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "input"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted and cannot be restored."),
        required=True,
    )
