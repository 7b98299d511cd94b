"""The catalogue's filter form (GET): search words, category and agency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search services"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("For example: akta kelahiran, izin usaha or PBB."),
        error_messages={"max_length": _("Enter at most %(limit_value)d characters.")},
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)

    def __init__(self, *args: Any, categories: Any = (), agencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [(c.code, c.display_name) for c in categories]
        self.fields["agency"].choices = [("", _("All agencies"))] + [(o.code, o.display_name) for o in agencies]
        for name in ("category", "agency"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose one of the options in the list.")
