from django import forms
from django.utils.translation import gettext_lazy as _


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        help_text=_("For example: kependudukan, DISDUKCAPIL or hospital."),
        error_messages={"max_length": _("Enter at most %(limit_value)d characters.")},
    )
