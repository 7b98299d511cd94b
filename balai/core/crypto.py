"""Encryption at rest for personal data (NIK, phone, address) and HMAC blind indexes.

Values are Fernet tokens made by a MultiFernet over ``settings.FIELD_ENCRYPTION_KEYS`` (newest first: the
first key encrypts, every key decrypts), so keys rotate without downtime (``manage.py
rotate_encryption_keys``). A blind index is an HMAC-SHA256 of the normalised value under its own key
(``settings.BLIND_INDEX_KEY``): it makes uniqueness and exact look-up possible without decrypting.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (wrong key or damaged value)."""


_lock = threading.Lock()
_cache: dict[str, Any] = {"keys": None, "fernet": None}


def _configured_keys() -> tuple[str, ...]:
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or []
    if isinstance(keys, str):
        keys = keys.split(",")
    keys = tuple(k.strip() for k in keys if k and k.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold at least one Fernet key.")
    return keys


def get_fernet() -> MultiFernet:
    """The MultiFernet for the current settings; rebuilt when the configured keys change."""
    keys = _configured_keys()
    cached = _cache["fernet"]
    if cached is not None and _cache["keys"] == keys:
        return cached
    with _lock:
        try:
            fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:  # bad base64 or wrong length; do not echo the key itself
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)."
            ) from exc
        _cache["keys"] = keys
        _cache["fernet"] = fernet
    return fernet


def encrypt(text: str) -> str:
    """Encrypt ``text`` with the newest key; returns the Fernet token as ASCII text."""
    return get_fernet().encrypt(str(text).encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made by :func:`encrypt` with any configured key, or raise :class:`DecryptionError`."""
    try:
        return get_fernet().decrypt(str(token).encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError(
            "The value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(a key was removed before rotation, or the stored value is damaged)."
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the newest key (raises :class:`DecryptionError` when no key fits)."""
    try:
        return get_fernet().rotate(str(token).encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise DecryptionError("The value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS.") from exc


def is_current_key(token: str) -> bool:
    """True when ``token`` already decrypts with the newest key (nothing to rotate)."""
    first = Fernet(_configured_keys()[0].encode())
    try:
        first.decrypt(str(token).encode("ascii"))
    except (InvalidToken, UnicodeError, ValueError):
        return False
    return True


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 (hex) of ``value`` under ``settings.BLIND_INDEX_KEY``; ``purpose`` separates domains so
    the same digits used as a NIK and as a phone number give unrelated indexes."""
    key = getattr(settings, "BLIND_INDEX_KEY", "")
    if not key:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be set.")
    if not purpose:
        raise ValueError("blind_index needs a purpose")
    message = purpose.encode("utf-8") + b"\x00" + str(value).encode("utf-8")
    return hmac.new(str(key).encode("utf-8"), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column that holds a Fernet token; Python code sees the plaintext.

    Empty string and None are stored as they are (so ``null``/blank keep their meaning). Because each
    encryption is randomised, the column cannot be searched: only ``isnull`` look-ups are allowed; use a
    blind index next to it for equality.
    """

    description = _("Encrypted text")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        value = str(value)
        # A token is only ever seen here when a raw DB value is passed in (e.g. deserialisation).
        if value.startswith("gAAAAA"):
            try:
                return decrypt(value)
            except DecryptionError:
                return value
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError("EncryptedTextField supports only the isnull look-up; use the blind index for equality.")
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise TypeError("EncryptedTextField does not support transforms.")


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with EncryptedTextFields, and the attribute names of those fields."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField) and f.model is model
        ]
        if names:
            found.append((model, names))
    return found
