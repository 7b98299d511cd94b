"""The filters of the public complaint list and map (GET): category, agency, district, state and period; and
the year of the statistics page. Choices are read from the database; an unknown value is a form error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.complaints.public.reference import reference
from balai.complaints.workflows import CONTACT_CHECK, UNCONFIRMED

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
        ref = reference()  # cached: the choices cost no query on a warm cache
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.code, c.display_name) for c in ref.categories.values() if c.is_active
        ]
        self.fields["agency"].choices = [("", _("All agencies"))] + [
            (a.code, a.display_name) for a in ref.agencies.values() if a.is_active
        ]
        self.fields["district"].choices = [("", _("All districts"))] + [
            (code, name) for code, name in ref.districts.values()
        ]
        self.fields["state"].choices = [("", _("All states"))] + [
            (s.code, s.display_name) for s in ref.states.values() if s.code not in HIDDEN_STATES
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


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]
        self.fields["year"].error_messages["invalid_choice"] = _("Choose one of the options in the list.")
