"""Pages under /akun/: sign-in and sign-out, registration and its code, password reset and change,
change of e-mail or mobile number. Thin: each parses a form, calls one service, renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from balai.accounts import forms_auth
from balai.accounts.middleware import IDLE_FLAG_KEY
from balai.accounts.models import User
from balai.accounts.services import auth as services
from balai.core.exceptions import BalaiError, RateLimited

PENDING_USER_KEY = "balai_pending_registration"
RESET_PHONE_KEY = "balai_reset_phone"
BACKEND = "balai.accounts.backends.EmailOrPhoneBackend"


def form_error(form: forms.Form, exc: BalaiError) -> None:
    """Show a service error on the form: per-field messages on their fields, the rest at the top."""
    if exc.fields:
        for name, msgs in exc.fields.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
    else:
        form.add_error(None, str(exc.message))


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- Sign-in and sign-out ---------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/auth/login.html"
    form_class = forms_auth.LoginForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.session.pop(IDLE_FLAG_KEY, False):
            messages.info(request, _("You were signed out after a period without activity. Please sign in again."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: forms_auth.LoginForm) -> HttpResponse:
        if form.pending_user is not None:
            self.request.session[PENDING_USER_KEY] = form.pending_user.pk
            try:
                services.registration_code_resend(user=form.pending_user)
                messages.info(self.request, _("Your account is not verified yet. We sent you a new code."))
            except BalaiError:
                messages.info(self.request, _("Your account is not verified yet. Enter the code we sent you."))
            return redirect("accounts:verify")
        return super().form_valid(form)

    def get_default_redirect_url(self) -> str:
        if getattr(self.request.user, "is_staff_member", False):
            return reverse("kantor:home")
        return str(settings.LOGIN_REDIRECT_URL)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0): a link or an image cannot sign anyone out."""

    next_page = "/"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


# --- Registration ----------------------------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = forms_auth.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_register(
                full_name=data["full_name"],
                email=data["email"] or None,
                phone=data["phone"] or None,
                password=data["password1"],
                channel=data["channel"],
            )
        except BalaiError as exc:
            form_error(form, exc)
        else:
            request.session[PENDING_USER_KEY] = user.pk
            return redirect("accounts:verify")
    return render(request, "accounts/auth/register.html", {"form": form})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER_KEY)
    if not pk:
        return None
    return User.objects.filter(pk=pk).first()


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Register first, or sign in if you already have an account."))
        return redirect("accounts:register")
    form = forms_auth.CodeForm()
    if request.method == "POST":
        if "resend" in request.POST:
            try:
                services.registration_code_resend(user=user)
            except BalaiError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("We sent you a new code. The earlier code no longer works."))
                return redirect("accounts:verify")
        else:
            form = forms_auth.CodeForm(request.POST)
            if form.is_valid():
                try:
                    user = services.account_verify_registration(user=user, code=form.cleaned_data["code"])
                except BalaiError as exc:
                    form_error(form, exc)
                else:
                    request.session.pop(PENDING_USER_KEY, None)
                    login(request, user, backend=BACKEND)
                    messages.success(request, _("Your account is verified. Welcome!"))
                    return redirect(settings.LOGIN_REDIRECT_URL)
    channel = services.registration_channel(user)
    from balai.accounts.phone import mask_phone
    from balai.core.masking import mask_email

    destination = mask_email(user.email or "") if channel == "email" else mask_phone(user.phone)
    return render(request, "accounts/auth/verify.html", {"form": form, "destination": destination, "channel": channel})


# --- Password reset ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms_auth.PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            channel = services.password_reset_request(identifier=identifier, base_url=_base_url(request))
        except RateLimited as exc:
            form_error(form, exc)
        except BalaiError as exc:
            form_error(form, exc)
        else:
            if channel == "sms":
                request.session[RESET_PHONE_KEY] = identifier
                messages.info(
                    request, _("If an account uses this mobile number, we have sent it a code. Enter it below.")
                )
                return redirect("accounts:password_reset_code")
            return render(request, "accounts/auth/password_reset_sent.html")
    return render(request, "accounts/auth/password_reset.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(RESET_PHONE_KEY)
    if not phone:
        return redirect("accounts:password_reset")
    form = forms_auth.PasswordResetCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_with_code(
                phone=phone, code=form.cleaned_data["code"], new_password=form.cleaned_data["new_password1"]
            )
        except BalaiError as exc:
            form_error(form, exc)
        else:
            request.session.pop(RESET_PHONE_KEY, None)
            messages.success(request, _("Your password has been changed. You can sign in now."))
            return redirect("accounts:login")
    return render(request, "accounts/auth/password_reset_code.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's token link (e-mail reset and the staff invitation); the change itself goes through the
    service so that it is audited."""

    template_name = "accounts/auth/password_reset_confirm.html"
    form_class = forms_auth.BalaiSetPasswordForm
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form: forms_auth.BalaiSetPasswordForm) -> HttpResponse:
        services.password_set_from_reset(
            user=form.user, new_password=form.cleaned_data["new_password1"], channel="email"
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password has been set. You can sign in now."))
        return HttpResponseRedirect(self.get_success_url())


# --- Signed-in changes ------------------------------------------------------------------------------


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms_auth.PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
            )
        except BalaiError as exc:
            form_error(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/auth/password_change.html", {"form": form})


def _contact_change(request: HttpRequest, channel: str) -> HttpResponse:
    form_class = forms_auth.EmailChangeForm if channel == "email" else forms_auth.PhoneChangeForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["email" if channel == "email" else "phone"]
        try:
            services.contact_change_request(actor=request.user, channel=channel, new_value=value)
        except BalaiError as exc:
            form_error(form, exc)
        else:
            if channel == "email":
                messages.info(request, _("We sent a code to the new address. Enter it to finish the change."))
            else:
                messages.info(request, _("We sent a code by SMS to the new number. Enter it to finish the change."))
            return redirect("accounts:email_change_confirm" if channel == "email" else "accounts:phone_change_confirm")
    return render(request, "accounts/auth/contact_change.html", {"form": form, "channel": channel})


def _contact_change_confirm(request: HttpRequest, channel: str) -> HttpResponse:
    pending = services.contact_change_pending(actor=request.user, channel=channel)
    start = "accounts:email_change" if channel == "email" else "accounts:phone_change"
    form = forms_auth.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_change_confirm(actor=request.user, channel=channel, code=form.cleaned_data["code"])
        except BalaiError as exc:
            form_error(form, exc)
        else:
            if channel == "email":
                messages.success(request, _("Your e-mail address has been changed."))
            else:
                messages.success(request, _("Your mobile number has been changed."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    elif pending is None and request.method == "GET":
        return redirect(start)
    return render(
        request,
        "accounts/auth/contact_change_confirm.html",
        {"form": form, "channel": channel, "destination": pending, "start_url": reverse(start)},
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    return _contact_change(request, "email")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest) -> HttpResponse:
    return _contact_change_confirm(request, "email")


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_change(request: HttpRequest) -> HttpResponse:
    return _contact_change(request, "sms")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_change_confirm(request: HttpRequest) -> HttpResponse:
    return _contact_change_confirm(request, "sms")
