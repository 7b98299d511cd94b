"""Forms of the sign-in, registration, verification, password and contact-change pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from balai.accounts.phone import normalize_phone

CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "maxlength": "8",
    "class": "input input--code",
}


def _password_field(label: Any, *, help_text: Any = "", autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


PASSWORD_HINT = _(
    "At least 10 characters. Not only digits, not a common password and not similar to your name or address."
)


class LoginForm(AuthenticationForm):
    """The field must be called ``username``: django-axes reads it to count failures per account."""

    username = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=pgettext_lazy("form field", "Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail or mobile number and password do not match an active account."),
        "inactive": _("This account cannot sign in."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.pending_user = None

    def clean(self) -> dict[str, Any]:
        from balai.accounts.services.auth import pending_registration_for

        try:
            return super().clean()
        except ValidationError:
            # Right password for an account that is not verified yet: send the person to the code page.
            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            if username and password:
                self.pending_user = pending_registration_for(username, password)
                if self.pending_user is not None:
                    return self.cleaned_data
            raise


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_("Fill in the e-mail address, the mobile number, or both."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        help_text=_("For example 0812 3456 7890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    channel = forms.ChoiceField(
        label=_("Send the verification code by"),
        choices=[("email", _("E-mail")), ("sms", _("SMS"))],
        initial="email",
        widget=forms.RadioSelect,
        required=False,
    )
    password1 = _password_field(pgettext_lazy("form field", "Password"), help_text=PASSWORD_HINT)
    password2 = _password_field(_("Password again"))
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice."),
        error_messages={"required": _("You must accept the terms of use and the privacy notice to register.")},
    )

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if "<" in value or ">" in value:
            raise ValidationError(_("The name may not contain the characters < and >."), code="invalid_name")
        return value

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        return normalize_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email, phone = data.get("email"), data.get("phone")
        if not email and not phone and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", _("Enter an e-mail address or a mobile number."))
        channel = data.get("channel") or ("email" if email else "sms")
        if channel == "email" and not email and phone:
            channel = "sms"
        if channel == "sms" and not phone and email:
            channel = "email"
        data["channel"] = channel
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=8,
        help_text=_("The 6 digits we sent you."),
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )

    def clean_code(self) -> str:
        value = "".join(self.cleaned_data["code"].split())
        if not (value.isdigit() and len(value) == 6):
            raise ValidationError(_("Enter the 6 digits of the code."), code="code_format")
        return value


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        help_text=_("We send a link to an e-mail address, or a code to a mobile number."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )

    def clean_identifier(self) -> str:
        value = self.cleaned_data["identifier"].strip()
        if "@" in value:
            forms.EmailField().clean(value)
            return value.lower()
        return normalize_phone(value)


class NewPasswordMixin(forms.Form):
    new_password1 = _password_field(_("New password"), help_text=PASSWORD_HINT)
    new_password2 = _password_field(_("New password again"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password1, password2 = data.get("new_password1"), data.get("new_password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("new_password2", _("The two passwords do not match."))
            else:
                try:
                    # Similarity to the person is checked by the service, once the code is known good.
                    password_validation.validate_password(password1, getattr(self, "user", None))
                except ValidationError as exc:
                    self.add_error("new_password1", exc)
        return data


class PasswordResetCodeForm(CodeForm, NewPasswordMixin):
    # The code the person has just received comes first, then the new password.
    field_order = ["code", "new_password1", "new_password2"]


class BalaiSetPasswordForm(SetPasswordForm):
    """Django's set-password form (reset link, staff invitation) with our labels and hint."""

    new_password1 = _password_field(_("New password"), help_text=PASSWORD_HINT)
    new_password2 = _password_field(_("New password again"))


def _current_password(user: Any, value: str) -> str:
    """The password someone types to confirm a change of their own account must be their current one."""
    if not user.check_password(value):
        raise ValidationError(_("The current password is not correct."), code="password_incorrect")
    return value


class PasswordChangeForm(NewPasswordMixin):
    old_password = _password_field(_("Current password"), autocomplete="current-password")
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        return _current_password(self.user, self.cleaned_data["old_password"])


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New e-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = _password_field(_("Current password"), autocomplete="current-password")

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        return _current_password(self.user, self.cleaned_data["password"])


class PhoneChangeForm(forms.Form):
    phone = forms.CharField(
        label=_("New mobile number"),
        max_length=32,
        help_text=_("For example 0812 3456 7890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = _password_field(_("Current password"), autocomplete="current-password")

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_password(self) -> str:
        return _current_password(self.user, self.cleaned_data["password"])


class TwoFactorCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        help_text=_("6 digits. If you do not have your phone, enter one of your backup codes."),
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "maxlength": "16", "pattern": "[0-9a-zA-Z ]*"}),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class TwoFactorEnrolForm(TwoFactorCodeForm):
    """While the authenticator is being set up there are no backup codes yet: the hint does not offer them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _("The 6 digits the app shows now.")


class StaffAccountCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.CharField(label=_("Mobile number"), max_length=32, required=False)

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        return normalize_phone(value) if value else ""
