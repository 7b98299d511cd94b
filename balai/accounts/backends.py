"""Sign-in by e-mail address or mobile number (``0812…`` and ``+62812…`` are the same person)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailOrPhoneBackend(ModelBackend):
    """Password sign-in with ``username`` = e-mail or mobile number. Refuses inactive and anonymised
    accounts; when no account matches it still runs the password hasher so that timing does not tell."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            user = user_model.objects.get_by_identifier(str(username)[:254])
        except user_model.DoesNotExist:
            # Run the default password hasher once to narrow the timing gap with an existing account.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "anonymised_at", None) is None
