"""Forms of the reconciliation pages: the settlement file upload and the filter of a batch's lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.payments.models import SettlementOutcome

from .selectors import MAX_SEARCH_LENGTH


class SettlementUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Settlement file (CSV)"),
        allow_empty_file=True,  # an empty file gets the parser's own message
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "The bank's CSV with the columns date, payment_code, amount and reference (or tanggal, kode_bayar, "
            "jumlah, referensi), separated by commas or semicolons. At most %(size)s."
        ) % {"size": filesizeformat(max_bytes)}


def outcome_choices() -> list[tuple[str, str]]:
    return [
        ("", _("All lines")),
        ("discrepancies", _("All discrepancies")),
        *[(value, str(label)) for value, label in SettlementOutcome.choices],
    ]


class LineFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Payment code or reference"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcome_choices()
