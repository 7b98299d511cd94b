"""API keys: long random secrets for machine clients, stored only as a hash."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "balai"
PREFIX_LENGTH = 8
# last_used_at is written at most this often per key, so a busy client does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self) -> ApiKeyQuerySet:
        now = timezone.now()
        not_expired = models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        return self.filter(not_expired, revoked_at__isnull=True)


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. the client system."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="api_keys"
    )
    # The first characters of the key, kept in clear so that a key can be found and recognised.
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True)
    # SHA-256 of the secret part: the key is 256 random bits, so a slow password hash adds nothing.
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}_{self.prefix}_…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
