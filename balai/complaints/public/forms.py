"""The filters of the public complaint list and map (GET): category, agency, district, state and period; and
the year of the statistics page. Choices are read from the database; an unknown value is a form error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.cases.models import WorkflowState
from balai.complaints.models import ComplaintCategory
from balai.complaints.workflows import CONTACT_CHECK, UNCONFIRMED, WORKFLOW_CODE
from balai.organizations.models import District, Organization

PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}
# States a public complaint is never in (it counts only after the contact is confirmed).
HIDDEN_STATES = {CONTACT_CHECK, UNCONFIRMED}


class ComplaintFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("365", _("Last 12 months")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = ComplaintCategory.objects.filter(is_active=True).order_by("position", "name")
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.code, c.name_en if c.name_en and _is_english() else c.name) for c in categories
        ]
        agencies = Organization.objects.active().order_by("name")
        self.fields["agency"].choices = [("", _("All agencies"))] + [(o.code, o.display_name) for o in agencies]
        districts = District.objects.order_by("name")
        self.fields["district"].choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts]
        states = WorkflowState.objects.filter(workflow__code=WORKFLOW_CODE).exclude(code__in=HIDDEN_STATES)
        self.fields["state"].choices = [("", _("All states"))] + [
            (s.code, s.display_public_name) for s in states.order_by("position", "id")
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose one of the options in the list.")

    def filters(self) -> dict[str, Any]:
        """The chosen filters (codes), {} when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters())


def period_start(period: str | None) -> dt.datetime | None:
    days = PERIODS.get(period or "")
    return timezone.now() - dt.timedelta(days=days) if days else None


def _is_english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "").startswith("en")


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]
        self.fields["year"].error_messages["invalid_choice"] = _("Choose one of the options in the list.")
