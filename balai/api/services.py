"""Creating, revoking and checking API keys.

A key reads ``balai_<prefix>_<secret>``: the prefix finds the row, the secret is compared with its
stored SHA-256 in constant time. The clear key exists only in the return value of ``api_key_create``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.api.models import KEY_PREFIX, LAST_USED_RESOLUTION, PREFIX_LENGTH, ApiKey
from balai.api.scopes import known_scopes
from balai.audit.services import audit_log
from balai.core.exceptions import PermissionDenied, ValidationFailed, from_django_validation_error

_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_BYTES = 32
# Hashed when the prefix is unknown, so that an unknown key costs the same as a wrong one.
_DUMMY_HASH = hashlib.sha256(b"balai-unknown-key").hexdigest()


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_prefix() -> str:
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def parse_key(raw: str) -> tuple[str, str] | None:
    """Split ``balai_<prefix>_<secret>`` into (prefix, secret); None when it is not shaped like a key."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    prefix, secret = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or not secret or len(secret) > 200:
        return None
    return prefix, secret


def _may_manage_keys(actor: Any, permission: str) -> bool:
    # actor None is the operator at the command line (manage.py), who already holds every key to the system.
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(actor.is_superuser or actor.has_perm(permission))


def api_key_create(
    *,
    actor: Any,
    owner: Any,
    name: str,
    scopes: Iterable[str] = (),
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for ``owner``; returns the row and the clear key, which is never shown again."""
    if not _may_manage_keys(actor, "api.add_apikey"):
        raise PermissionDenied(_("You may not create API keys."))
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in known_scopes()]
    if unknown:
        raise ValidationFailed(
            fields={"scopes": [_("Unknown scope: %(scope)s") % {"scope": scope} for scope in unknown]}
        )
    if not owner.is_active or getattr(owner, "anonymised_at", None) is not None:
        raise ValidationFailed(fields={"owner": [_("The owner's account is not active.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(fields={"expires_at": [_("The expiry must be in the future.")]})

    secret = secrets.token_urlsafe(_SECRET_BYTES)
    for _attempt in range(5):
        key = ApiKey(
            name=(name or "").strip(),
            owner=owner,
            prefix=_new_prefix(),
            secret_hash=_hash_secret(secret),
            scopes=scopes,
            expires_at=expires_at,
        )
        try:
            key.full_clean()
        except ValidationError as exc:
            if "prefix" in getattr(exc, "error_dict", {}):
                continue  # prefix taken: draw another
            raise from_django_validation_error(exc) from exc
        try:
            with transaction.atomic():
                key.save(force_insert=True)
                audit_log(
                    actor=actor,
                    actor_label="" if actor is not None else "manage.py",
                    action="apikey.created",
                    target=key,
                    summary={
                        "name": key.name,
                        "prefix": key.prefix,
                        "owner_id": owner.pk,
                        "scopes": scopes,
                        "expires_at": expires_at.isoformat() if expires_at else None,
                    },
                )
        except IntegrityError:
            continue  # prefix taken between the check and the insert
        return key, f"{KEY_PREFIX}_{key.prefix}_{secret}"
    raise RuntimeError("could not draw a free API key prefix")


def api_key_revoke(*, actor: Any, api_key: ApiKey) -> ApiKey:
    """Revoke a key at once; the owner may revoke their own keys. Revoking twice changes nothing."""
    is_owner = actor is not None and getattr(actor, "pk", None) == api_key.owner_id
    if not is_owner and not _may_manage_keys(actor, "api.change_apikey"):
        raise PermissionDenied(_("You may not revoke this API key."))
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit_log(
                actor=actor,
                actor_label="" if actor is not None else "manage.py",
                action="apikey.revoked",
                target=key,
                summary={"name": key.name, "prefix": key.prefix, "owner_id": key.owner_id},
            )
    api_key.revoked_at = key.revoked_at
    return key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The usable key matching ``raw_key`` (its owner loaded), or None. Marks the key as used."""
    parsed = parse_key(raw_key)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = ApiKey.objects.select_related("owner").filter(prefix=prefix).first()
    expected = key.secret_hash if key is not None else _DUMMY_HASH
    if not hmac.compare_digest(expected, _hash_secret(secret)) or key is None:
        return None
    owner = key.owner
    if not key.is_usable or not owner.is_active or getattr(owner, "anonymised_at", None) is not None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional update: concurrent requests write at most once per resolution interval.
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        key.last_used_at = now
    return key
