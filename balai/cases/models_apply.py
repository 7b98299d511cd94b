"""Files uploaded for an application before it is submitted: with a draft on the web (``draft`` set), or
through the API (``POST /api/v1/uploads``, referenced by id when the application is posted). Each belongs to
the person who uploaded it and is used at most once (``case`` set when the application is submitted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingUpload(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    service_version = models.ForeignKey(
        "services.ServiceVersion", verbose_name=_("service version"), on_delete=models.CASCADE, related_name="+"
    )
    draft = models.ForeignKey(
        "cases.CaseDraft",
        verbose_name=_("draft application"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uploads",
    )
    requirement_code = models.CharField(_("requirement"), max_length=64)
    storage_name = models.CharField(_("stored as"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("used for case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        app_label = "cases"
        verbose_name = _("uploaded file awaiting submission")
        verbose_name_plural = _("uploaded files awaiting submission")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "used_at"], name="pendingupload_owner_idx")]

    def __str__(self) -> str:
        return self.original_name

    def as_attachment(self) -> dict:
        """What ``case_create(attachments=...)`` takes."""
        return {
            "requirement_code": self.requirement_code,
            "storage_name": self.storage_name,
            "original_name": self.original_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }
