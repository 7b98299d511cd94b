"""Forms of the staff workspace: the worklist filters, a transition's inputs, notes, assignment and the
counter's person lookup. They only parse input; the case services decide and validate again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from balai.accounts.nik import normalize_nik, validate_nik
from balai.accounts.phone import normalize_phone
from balai.cases.services import MAX_FEE_AMOUNT, MAX_TEXT_LENGTH

SORT_CHOICES = [
    ("due_at", _("Due date (earliest first)")),
    ("-submitted_at", _("Submitted (newest first)")),
    ("submitted_at", _("Submitted (oldest first)")),
]
MAX_DATE_SPAN_YEARS = 20


class WorklistFilterForm(forms.Form):
    """The worklist's GET filters; a bad value is reported and that filter ignored, never a 500."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue cases"), required=False)
    mine = forms.BooleanField(label=_("Only cases assigned to me"), required=False)
    date_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Day")
    )
    date_to = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Day")
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, services: list[tuple[str, str]], states: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]
        self.fields["state"].choices = [("", _("All statuses")), *states]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value and abs(value.year - dt.date.today().year) > MAX_DATE_SPAN_YEARS:  # noqa: DTZ011
                self.add_error(name, _("Enter a date within the last twenty years."))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``cases_for_staff`` from the valid part of the input."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            "service": data.get("service") or None,
            "state": data.get("state") or None,
            "overdue": True if data.get("overdue") else None,
            "date_from": data.get("date_from") if "date_from" not in self.errors else None,
            "date_to": data.get("date_to") if "date_to" not in self.errors else None,
        }


class TransitionForm(forms.Form):
    """The inputs of one workflow step; fields appear only when the step needs them."""

    transition = forms.CharField(widget=forms.HiddenInput, max_length=50)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea)
    document = forms.FileField(
        label=_("Document"), required=False, help_text=_("PDF, JPG, PNG or WebP, at most 20 MB.")
    )
    fee_amount = forms.IntegerField(
        label=_("Fee (rupiah)"),
        required=False,
        min_value=1,
        max_value=MAX_FEE_AMOUNT,
        help_text=_("A whole number of rupiah, without dots or commas, e.g. 1500000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    assessing_organization = forms.ChoiceField(label=_("Assessing agency"), required=False)

    # The service is the judge of what is required; the browser would only show its own bubble.
    use_required_attribute = False

    def __init__(self, *args: Any, step: Any, agencies: list[tuple[str, str]] | None = None, **kwargs: Any):
        kwargs.setdefault("prefix", f"t-{step.code}")
        super().__init__(*args, **kwargs)
        self.step = step
        if step.requires_comment:
            self.fields["comment"].label = _("Comment (required)")
        else:
            self.fields["comment"].label = _("Comment (optional)")
        if not step.requires_document:
            del self.fields["document"]
        if not step.requires_fee_amount:
            del self.fields["fee_amount"]
        if step.requires_assessing_organization:
            self.fields["assessing_organization"].choices = [("", _("Choose an agency")), *(agencies or [])]
        else:
            del self.fields["assessing_organization"]


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Text"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea)
    is_public = forms.BooleanField(
        label=_("Send to the applicant as a reply"),
        required=False,
        help_text=_("Unticked: an internal note that only staff see."),
    )
    use_required_attribute = False


class ExtendDeadlineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the applicant"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this text with the new due date."),
    )
    use_required_attribute = False


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    assignee = forms.ChoiceField(label=_("Assign to"))
    use_required_attribute = False

    def __init__(self, *args: Any, colleagues: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose a colleague")), ("none", _("Nobody")), *colleagues]


class BulkAssignForm(forms.Form):
    cases = forms.TypedMultipleChoiceField(label=_("Cases"), coerce=int)
    assignee = forms.ChoiceField(label=_("Assign the selected cases to"))
    use_required_attribute = False

    def __init__(self, *args: Any, case_ids: list[int], colleagues: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(str(i), str(i)) for i in case_ids]
        self.fields["cases"].error_messages["required"] = _("Select at least one case.")
        self.fields["cases"].error_messages["invalid_choice"] = _(
            "One of the selected cases is not in your worklist any more. Reload the page."
        )
        self.fields["assignee"].choices = [("", _("Choose a colleague")), *colleagues]
        self.fields["assignee"].error_messages["required"] = _("Choose the colleague to assign the cases to.")


# --- counter filing ------------------------------------------------------------------------------------


class CounterServiceForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Choose a service")), *services]
        self.fields["service"].error_messages["required"] = _("Choose the service the person applies for.")


def _clean_nik(value: str) -> str:
    nik = normalize_nik(value or "")
    if not nik:
        raise ValidationError(_("Enter the NIK (16 digits)."))
    validate_nik(nik)
    return nik


class NikLookupForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        help_text=_("The 16 digits of the identity card (KTP)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    use_required_attribute = False

    def clean_nik(self) -> str:
        return _clean_nik(self.cleaned_data.get("nik", ""))


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200, help_text=_("As written on the identity card."))
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone number (optional)"),
        max_length=32,
        required=False,
        help_text=_("For messages about the application, e.g. 0812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    use_required_attribute = False

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data.get("name", "").split())
        if not name:
            raise ValidationError(_("Enter the person's full name."))
        return name

    def clean_nik(self) -> str:
        return _clean_nik(self.cleaned_data.get("nik", ""))

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        return normalize_phone(phone) if phone else ""
