"""Forms of the payment pages: a payment code typed from paper, the choice of channel, the revenue report's
dates, a refund."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.payments.codes import is_well_formed, normalize_payment_code
from balai.payments.models import Channel
from balai.payments.reports import MAX_RANGE_DAYS, today
from balai.payments.services.refunds import MAX_REASON_LENGTH, MIN_REASON_LENGTH


class PaymentCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Payment code"),
        max_length=40,
        help_text=gettext_lazy("The 16 digits printed on the bill, for example 9901 0000 0000 1236."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalize_payment_code(self.cleaned_data["code"])
        if not is_well_formed(code):
            raise forms.ValidationError(
                _("A payment code has 16 digits. Check it against the bill: one of the digits is wrong."),
                code="malformed",
            )
        return code


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Pay with"),
        widget=forms.RadioSelect,
        choices=(),
    )

    def __init__(self, *args: Any, channels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hints = {
            Channel.VIRTUAL_ACCOUNT: _("Virtual account: pay by transfer at any bank, ATM or mobile banking."),
            Channel.QRIS: _("QRIS: scan the code with any mobile banking or e-wallet app."),
        }
        self.fields["channel"].choices = [(channel, hints.get(channel, channel)) for channel in channels]
        if channels:
            self.fields["channel"].initial = channels[0]


class VaNumberForm(forms.Form):
    va_number = forms.CharField(
        label=gettext_lazy("Virtual account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_va_number(self) -> str:
        digits = "".join(c for c in self.cleaned_data["va_number"] if c.isdigit())
        if len(digits) != 16:
            raise forms.ValidationError(_("A virtual account number of this bank has 16 digits."), code="malformed")
        return digits


class DateRangeForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("start") or today()
        end = data.get("end") or start
        if end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif (end - start).days >= MAX_RANGE_DAYS:
            self.add_error("end", _("Choose at most %(days)d days.") % {"days": MAX_RANGE_DAYS})
        data["start"], data["end"] = start, end
        return data

    def dates(self) -> tuple[dt.date, dt.date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]


class RefundForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("Amount to refund (rupiah)"),
        max_length=20,
        help_text=gettext_lazy("Whole rupiah, digits only, for example 150000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=MAX_REASON_LENGTH,
        min_length=MIN_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept in the audit trail, for example the letter that decided the refund."),
    )

    def clean_amount(self) -> int:
        text = self.cleaned_data["amount"].strip()
        if not text.isascii() or not text.isdigit():
            raise forms.ValidationError(
                _("Enter the amount as a whole number of rupiah, without dots, commas or decimals."), code="invalid"
            )
        amount = int(text)
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be more than 0 rupiah."), code="min_value")
        return amount
