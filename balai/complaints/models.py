"""Complaint data beside the case engine.

A complaint IS a case (``cases.Case`` with ``case_type="complaint"``): number, verification code, state,
workflow, responsible agency, deadlines, timeline and attachments live there. ``Complaint`` adds what only a
complaint has: category, description, location, privacy, the reporter's contact when they have no account,
the masked public text, duplicate links and the reporter's rating. Categories come from the demo data
(``complaint_categories.yaml``) and are edited by administrators; ``ComplaintSettings`` holds the
regency-wide numbers (verification and auto-close days, duplicate radius)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from balai.core.crypto import EncryptedTextField

MAX_DESCRIPTION_LENGTH = 4000
MAX_PHOTOS = 5


class ComplaintSettings(models.Model):
    """One row: the regency's complaint handling numbers (``ComplaintSettings.current()``)."""

    verification_days = models.PositiveIntegerField(
        _("working days to verify and dispatch"), default=3, validators=[MaxValueValidator(60)]
    )
    auto_close_days = models.PositiveIntegerField(
        _("working days before an unanswered response closes"), default=10, validators=[MaxValueValidator(60)]
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("radius of the nearby-complaints check (metres)"),
        default=200,
        validators=[MinValueValidator(10), MaxValueValidator(5000)],
    )
    coordinator = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("coordinating agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Verifies and dispatches every complaint (Diskominfo in the demo)."),
        related_name="+",
    )
    map_tile_url = models.CharField(
        _("map tile URL template"),
        max_length=300,
        blank=True,
        help_text=_("e.g. https://tiles.example/{z}/{x}/{y}.png; empty: the map view shows a list instead."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> ComplaintSettings:
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls()


class ComplaintCategory(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    open311_code = models.CharField(_("Open311 service code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    routes_to = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("answering agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_categories",
    )
    by_district = models.BooleanField(
        _("district office answers first"), default=False, help_text=_("The office of the complaint's district.")
    )
    response_days = models.PositiveIntegerField(
        _("working days for a response"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    needs_location = models.BooleanField(_("location required"), default=False)
    forces_confidential = models.BooleanField(
        _("always confidential"), default=False, help_text=_("e.g. extortion (pungli): never public.")
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # Open311 attributes: [{code, description, datatype, required, values: {key: name}, order}]
    attributes = models.JSONField(_("extra questions"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from balai.complaints.categories import attribute_errors

        super().clean()
        errors = attribute_errors(self.attributes)
        if errors:
            raise ValidationError({"attributes": errors})
        if not isinstance(self.keywords, list) or any(not isinstance(k, str) for k in self.keywords):
            raise ValidationError({"keywords": _("List the keywords as text.")})


class Privacy(models.TextChoices):
    PUBLIC = "public", _("Public")
    ANONYMOUS = "anonymous", _("Anonymous (identity hidden from the public and the agency)")
    CONFIDENTIAL = "confidential", _("Confidential (the whole complaint hidden from the public)")


class Complaint(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, primary_key=True, related_name="complaint"
    )
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="complaints"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION_LENGTH)
    # The description with NIKs, phone numbers and e-mail addresses masked: what public pages show.
    public_description = models.TextField(_("public description"), max_length=MAX_DESCRIPTION_LENGTH, blank=True)
    attributes = models.JSONField(_("answers to the extra questions"), default=dict, blank=True)
    privacy = models.CharField(_("privacy"), max_length=16, choices=Privacy.choices, default=Privacy.PUBLIC)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    address = models.CharField(_("address or place"), max_length=500, blank=True)
    district = models.ForeignKey(
        "organizations.District",
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A reporter without an account: contact verified by code before the complaint counts.
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = EncryptedTextField(_("reporter's e-mail"), blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    reporter_contact_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    contact_verified_at = models.DateTimeField(_("contact verified at"), null=True, blank=True)
    is_published = models.BooleanField(
        _("counted"), default=True, help_text=_("False until the reporter's contact is verified.")
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    # The deadline of the step the complaint is in: the coordinator's verification, the agency's response, and
    # the reporter's reaction (after which the complaint closes by itself).
    verification_due_at = models.DateTimeField(_("verification due at"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("response due at"), null=True, blank=True)
    reaction_due_at = models.DateTimeField(_("reporter's reaction due at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("comment on the response"), max_length=2000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    open311_token = models.CharField(_("Open311 token"), max_length=40, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # Nearby check: a bounding box on indexed coordinates per category (no PostGIS needed).
            models.Index(fields=["category", "latitude", "longitude"], name="complaint_nearby_idx"),
            # Public list and Open311 GET requests: newest first, public ones only.
            models.Index(
                fields=["-created_at"],
                condition=Q(privacy__in=["public", "anonymous"], is_published=True),
                name="complaint_public_recent_idx",
            ),
            models.Index(fields=["category", "-created_at"], name="complaint_category_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="complaint_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="complaint_point_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.category.name

    @property
    def public_title(self) -> str:
        """The title with personal data masked, for public pages."""
        from balai.complaints.masking import mask_personal_data

        return mask_personal_data(self.title)


class ComplaintPhoto(models.Model):
    """A photo with EXIF (location, camera) stripped before storing; served under a random name."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="photos"
    )
    storage_name = models.CharField(_("stored as"), max_length=300)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_public = models.BooleanField(_("shown on public pages"), default=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.storage_name


class ComplaintFollower(models.Model):
    """Someone who follows a public complaint and is told of its updates (an account, or a verified e-mail)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="followers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followed_complaints",
    )
    email = EncryptedTextField(_("e-mail"), blank=True)
    email_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "user"], condition=Q(user__isnull=False), name="complaint_follower_user_unique"
            ),
            models.UniqueConstraint(
                fields=["complaint", "email_index"],
                condition=~Q(email_index=""),
                name="complaint_follower_email_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.user_id or 'e-mail'}"


class ResponseTemplate(models.Model):
    """A ready answer staff start from (FixMyStreet's response templates), per category and/or agency."""

    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response_templates",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=4000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
