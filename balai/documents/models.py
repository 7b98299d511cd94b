"""Issued documents and what they are made from.

- ``DocumentTemplate`` is what an administrator edits per service output (letterhead, title, reference
  pattern, body with placeholders, signing official, place). Every save that changes the content writes an
  immutable ``DocumentTemplateVersion``; an issued document points at the version it was rendered from.
- ``IssuedDocument`` is one signed PDF: its public id (the ``/verifikasi/<id>/`` address), reference number,
  SHA-256, issuer, signer, case, holder and its status (valid, revoked, replaced).
- ``DocumentSequence`` keeps the gap-free numbering of references per scope and year.
- ``SigningProfile`` says how an agency signs: which provider of the registry and its non-secret settings.
  Secrets (PKCS#12 passphrases, API tokens) never live in the database: the profile names where to read them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PUBLIC_ID_LENGTH = 20
_PUBLIC_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or typed from paper


def new_public_id() -> str:
    """A random, non-guessable id (20 characters of a 32-letter alphabet = 100 bits)."""
    return "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class DocumentKind(models.TextChoices):
    OUTPUT = "output", _("Service result")
    RECEIPT = "receipt", _("Receipt of an application")
    PAYMENT_RECEIPT = "payment_receipt", _("Payment receipt")


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced by a newer document")


class DocumentTemplate(models.Model):
    """The editable template of one kind of document (one per service output; one for receipts)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OUTPUT)
    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_templates",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the agency responsible for the case issues it."),
        related_name="document_templates",
    )
    document_type = models.CharField(_("document type"), max_length=200, help_text=_("For example: Akta Kelahiran"))
    title = models.CharField(_("title"), max_length=300)
    letterhead_name = models.CharField(_("letterhead: agency name"), max_length=300, blank=True)
    letterhead_lines = models.TextField(
        _("letterhead: further lines"),
        max_length=1000,
        blank=True,
        help_text=_("Address, telephone, website; one per line."),
    )
    logo = models.FileField(_("letterhead: logo"), upload_to="documents/logos/", blank=True)
    reference_pattern = models.CharField(
        _("reference number pattern"),
        max_length=200,
        default="{agency}/{service}/{seq}/{month_roman}/{year}",
    )
    body = models.TextField(_("body"), max_length=20000)
    signer_name = models.CharField(_("signing official: name"), max_length=200, blank=True)
    signer_position = models.CharField(_("signing official: position"), max_length=200, blank=True)
    signer_nip = models.CharField(_("signing official: NIP"), max_length=18, blank=True)
    place = models.CharField(_("place of signing"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["document_type", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind"],
                condition=models.Q(service__isnull=False),
                name="document_template_one_per_service_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.document_type


class DocumentTemplateVersion(models.Model):
    """An immutable snapshot of a template's content; issued documents point at it."""

    template = models.ForeignKey(
        DocumentTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    logo_storage_name = models.CharField(_("logo file"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("document template version")
        verbose_name_plural = _("document template versions")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="document_template_version_unique")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class DocumentSequence(models.Model):
    """Gap-free reference numbering: one row per scope (e.g. agency + template) and year, locked when used."""

    scope = models.CharField(_("scope"), max_length=120)
    year = models.PositiveIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="document_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}: {self.last_value}"


class IssuedDocument(models.Model):
    public_id = models.CharField(_("public id"), max_length=32, unique=True, default=new_public_id, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    document_type = models.CharField(_("document type"), max_length=200)
    number = models.CharField(_("reference number"), max_length=200, unique=True)
    template_version = models.ForeignKey(
        DocumentTemplateVersion,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    holder_name = models.CharField(_("holder's name"), max_length=200)
    storage_name = models.CharField(_("stored as"), max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_position = models.CharField(_("position"), max_length=200, blank=True)
    signer_nip = models.CharField(_("NIP"), max_length=18, blank=True)
    signing_provider = models.CharField(_("signing provider"), max_length=50)
    certificate_sha256 = models.CharField(_("signing certificate (SHA-256)"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty when issued automatically by the final step of a case."),
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), max_length=2000, blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["holder", "-issued_at"], name="issued_document_holder_idx"),
            models.Index(fields=["case", "kind"], name="issued_document_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="issued_document_revoked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class SigningProvider(models.TextChoices):
    DEMO = "demo", _("Demo certificate authority (generated at setup; not for production)")
    PKCS12 = "pkcs12", _("PKCS#12 file of the agency")
    REMOTE = "remote", _("Remote signing service")


class SigningProfile(models.Model):
    """How one agency signs. Secrets are read from the environment or the secrets folder, never stored here."""

    organization = models.OneToOneField(
        "organizations.Organization", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="signing_profile"
    )
    provider = models.CharField(_("provider"), max_length=20, choices=SigningProvider.choices)
    config = models.JSONField(
        _("settings"),
        default=dict,
        blank=True,
        help_text=_("Non-secret settings of the provider, e.g. the PKCS#12 path or the service URL."),
    )
    certificate_pem = models.TextField(_("signing certificate (PEM)"), blank=True)
    certificate_sha256 = models.CharField(_("certificate fingerprint (SHA-256)"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("signing profile")
        verbose_name_plural = _("signing profiles")

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_provider_display()})"
