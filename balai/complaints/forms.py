"""Forms of the complaint pages: filing (category, place, details), confirming the contact, the reporter's
actions, following, and the staff's steps. They only parse input; the services decide and validate again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from balai.complaints.categories import MAX_STRING, MAX_TEXT, sorted_attributes
from balai.complaints.models import MAX_DESCRIPTION_LENGTH, MAX_PHOTOS, ComplaintCategory, Privacy
from balai.complaints.services.common import MAX_ADDRESS_LENGTH, MAX_REASON_LENGTH, MAX_TITLE_LENGTH
from balai.organizations.models import District, Organization

RADIO_LIMIT = 5
PHOTO_HINT = _("Up to 5 photos, JPG, PNG or WebP, at most 10 MB each. Location and camera data are removed.")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Attach at most %(max)d photos.") % {"max": MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


class CategoryForm(forms.Form):
    kategori = forms.ChoiceField(label=_("What is the complaint about?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, categories: list[ComplaintCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kategori"].choices = [
            (c.code, f"{c.display_name} ({c.group})" if c.group else c.display_name) for c in categories
        ]


class LocationForm(forms.Form):
    """Where the problem is: a point (typed, or from the phone's map app) and/or a description of the place."""

    lat = forms.CharField(
        label=_("Latitude"),
        required=False,
        max_length=20,
        help_text=_("For example -6.914744. Leave empty if you describe the place below."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input--short"}),
    )
    lon = forms.CharField(
        label=_("Longitude"),
        required=False,
        max_length=20,
        help_text=_("For example 107.609810."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input--short"}),
    )
    alamat = forms.CharField(
        label=_("Address or description of the place"),
        required=False,
        max_length=MAX_ADDRESS_LENGTH,
        help_text=_("Street, house number, a landmark nearby."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    kecamatan = forms.ChoiceField(label=_("District (kecamatan)"), required=False)

    def __init__(self, *args: Any, category: ComplaintCategory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        self.fields["kecamatan"].choices = [("", _("— choose —")), *District.objects.values_list("code", "name")]
        if category.by_district:
            self.fields["kecamatan"].help_text = _("The district office handles this kind of complaint.")

    def clean(self) -> dict[str, Any]:
        from balai.complaints.services import clean_location
        from balai.core.exceptions import ValidationFailed

        data = super().clean()
        if self.errors:
            return data
        try:
            lat, lon, place = clean_location(
                data.get("lat"), data.get("lon"), data.get("alamat"), required=self.category.needs_location
            )
        except ValidationFailed as exc:
            names = {"latitude": "lat", "longitude": "lon", "address": "alamat", "location": None}
            for name, messages in exc.fields.items():
                for message in messages:
                    self.add_error(names.get(name), message)
            return data
        data["latitude"], data["longitude"], data["address"] = lat, lon, place
        return data


def attribute_field(spec: dict[str, Any]) -> forms.Field:
    label = spec.get("description_en") if _english() and spec.get("description_en") else spec.get("description")
    required = bool(spec.get("required"))
    datatype = spec.get("datatype")
    choices = list((spec.get("values") or {}).items())
    if datatype == "singlevaluelist":
        widget = forms.RadioSelect if len(choices) <= RADIO_LIMIT else forms.Select
        empty = [] if widget is forms.RadioSelect else [("", _("— choose —"))]
        return forms.ChoiceField(label=label, required=required, choices=empty + choices, widget=widget)
    if datatype == "multivaluelist":
        return forms.MultipleChoiceField(
            label=label, required=required, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    if datatype == "text":
        return forms.CharField(label=label, required=required, max_length=MAX_TEXT, widget=forms.Textarea({"rows": 3}))
    if datatype == "number":
        return forms.CharField(
            label=label, required=required, max_length=30, widget=forms.TextInput({"inputmode": "decimal"})
        )
    if datatype == "datetime":
        return forms.CharField(
            label=label,
            required=required,
            max_length=40,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        )
    return forms.CharField(label=label, required=required, max_length=MAX_STRING)


class ComplaintForm(forms.Form):
    """The details of a complaint; the place comes from the previous step as hidden fields."""

    title = forms.CharField(
        label=_("Short title"),
        required=False,
        max_length=MAX_TITLE_LENGTH,
        help_text=_("Optional, for example “Pothole in front of the market”."),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=MAX_DESCRIPTION_LENGTH,
        help_text=_("What, where and since when. Do not write your NIK or phone number here: the text is public."),
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": MAX_DESCRIPTION_LENGTH}),
    )
    photos = PhotosField(label=_("Photos"), help_text=PHOTO_HINT)
    privacy = forms.ChoiceField(
        label=_("Who may see the complaint?"),
        choices=Privacy.choices,
        initial=Privacy.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Public: everyone sees the complaint, not your name. Anonymous: your identity is hidden from the "
            "public and from the agency. Confidential: the whole complaint is hidden from the public."
        ),
    )
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    reporter_email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    reporter_phone = forms.CharField(
        label=_("Mobile number"), required=False, max_length=30, widget=forms.TextInput({"inputmode": "tel"})
    )
    lat = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    alamat = forms.CharField(required=False, max_length=MAX_ADDRESS_LENGTH, widget=forms.HiddenInput)
    kecamatan = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)

    def __init__(self, *args: Any, category: ComplaintCategory, contact: str, **kwargs: Any) -> None:
        """``contact``: "account" (signed in: no contact fields), "code" (no account: e-mail or phone to
        confirm) or "counter" (an officer types the walk-in person's details)."""
        super().__init__(*args, **kwargs)
        self.category = category
        self.attribute_names: list[str] = []
        for spec in sorted_attributes(category.attributes):
            name = f"attribute[{spec['code']}]"
            self.fields[name] = attribute_field(spec)
            self.attribute_names.append(name)
        if category.forces_confidential:
            field = self.fields["privacy"]
            field.choices = [(Privacy.CONFIDENTIAL, Privacy.CONFIDENTIAL.label)]
            field.initial = Privacy.CONFIDENTIAL
            field.help_text = _("Complaints of this kind are always confidential: they never appear in public.")
        if contact == "account":
            for name in ("reporter_name", "reporter_email", "reporter_phone"):
                del self.fields[name]
        elif contact == "code":
            self.fields["reporter_name"].help_text = _("Optional. Never shown in public.")
            self.fields["reporter_email"].help_text = _("We send a code to confirm the complaint.")
            self.fields["reporter_phone"].help_text = _("Or a mobile number for the code by SMS.")
        else:
            self.fields["reporter_name"].label = _("Reporter's name")
            self.fields["reporter_name"].help_text = _("Required unless the reporter stays anonymous.")
            self.fields["reporter_email"].label = _("Reporter's e-mail address (optional)")
            self.fields["reporter_phone"].label = _("Reporter's mobile number (optional)")
        # Field order: the questions of the category right after the description.
        order = ["title", "description", *self.attribute_names, "photos", "privacy"]
        self.order_fields(order + [n for n in self.fields if n not in order])

    def attributes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            n[len("attribute[") : -1]: data.get(n) for n in self.attribute_names if data.get(n) not in (None, "", [])
        }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6 digits we sent you."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "input--short"}
        ),
    )


class TrackingForm(forms.Form):
    number = forms.CharField(label=_("Complaint number"), max_length=64, help_text=_("For example ADU-2026-000123."))
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=32,
        help_text=_("The 10 characters you received with the number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _text(label: Any, *, required: bool = True, help_text: Any = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_REASON_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReplyForm(forms.Form):
    body = _text(_("Your message"))


class AddInfoForm(forms.Form):
    body = _text(_("More information"), required=False)
    photos = PhotosField(label=_("More photos"), help_text=PHOTO_HINT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not (data.get("body") or "").strip() and not data.get("photos"):
            raise forms.ValidationError(_("Write the information or attach photos."))
        return data


class ReopenForm(forms.Form):
    reason = _text(_("What is not solved?"), help_text=_("The agency reads this and handles the complaint again."))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your complaint handled?"),
        choices=[
            (str(n), label)
            for n, label in enumerate(
                [_("1 – very poorly"), _("2 – poorly"), _("3 – fairly"), _("4 – well"), _("5 – very well")], start=1
            )
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment (optional)"), required=False, rows=3)


class FollowEmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class FollowConfirmForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254, widget=forms.HiddenInput)
    code = CodeForm.base_fields["code"]


# --- Staff ------------------------------------------------------------------------------------------------


def agency_choices(exclude: int | None = None) -> list[tuple[str, str]]:
    qs = Organization.objects.active().order_by("name")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return [(o.code, o.name) for o in qs]


class DispatchForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency that answers"))
    comment = _text(_("Note for the agency (internal, optional)"), required=False, rows=3)

    def __init__(self, *args: Any, suggested: Organization | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agency_choices()
        if suggested is not None:
            self.fields["agency"].initial = suggested.code
            self.fields["agency"].help_text = _("Suggested by the category: %(agency)s.") % {"agency": suggested.name}


class RequestInfoForm(forms.Form):
    question = _text(_("What should the reporter add?"), help_text=_("The reporter reads this."))


class DuplicateForm(forms.Form):
    duplicate_of = forms.CharField(label=_("Number of the original complaint"), max_length=64)
    comment = _text(_("Reason (optional)"), required=False, rows=3)


class RejectForm(forms.Form):
    reason = _text(
        _("Reason"),
        help_text=_("Not a complaint, or not the regency's authority (say who is). The reporter reads this."),
    )


class CloseForm(forms.Form):
    reason = _text(_("Reason"), help_text=_("The reporter reads this."))


class RespondForm(forms.Form):
    response = _text(
        _("Response"),
        help_text=_("What the agency did or will do, and when. The reporter and the public read it."),
        rows=8,
    )


class TransferForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency that should answer"))
    reason = _text(_("Reason"), help_text=_("Shown on the complaint's timeline."), rows=3)

    def __init__(self, *args: Any, current: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agency_choices(exclude=current)


class ReturnForm(forms.Form):
    reason = _text(_("Why does it go back to the coordinator?"), help_text=_("Internal: the reporter does not see it."))


class NoteForm(forms.Form):
    body = _text(_("Text"))
    is_public = forms.BooleanField(
        label=_("Send it to the reporter and the followers (a progress message)"), required=False
    )


class StaffFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue complaints"), required=False)
    mine = forms.BooleanField(label=_("Only complaints assigned to me"), required=False)

    def __init__(self, *args: Any, states: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = ComplaintCategory.objects.order_by("position", "name")
        self.fields["category"].choices = [("", _("All categories")), *((c.code, c.display_name) for c in categories)]
        self.fields["state"].choices = [("", _("All statuses")), *states]
