"""The case engine: every request the government must answer is a ``Case`` that moves through the states
of a ``Workflow`` kept as data (states, transitions, allowed roles, required inputs), with a gap-free
public number, a tracking code, an SLA clock in working days, attachments and a timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from balai.core.crypto import EncryptedTextField


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


class Workflow(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and _english() else self.name

    def initial_state(self) -> WorkflowState | None:
        return self.states.filter(is_initial=True).order_by("position", "id").first()


class StateKind(models.TextChoices):
    OPEN = "open", _("Open (with the government)")
    WAITING = "waiting", _("Waiting for the applicant")
    FINAL = "final", _("Final")


class WorkflowState(models.Model):
    workflow = models.ForeignKey(Workflow, verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="states")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    public_name = models.CharField(
        _("public name"), max_length=200, blank=True, help_text=_("What the applicant sees; the name when empty.")
    )
    public_name_en = models.CharField(_("public name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=StateKind.choices, default=StateKind.OPEN)
    is_initial = models.BooleanField(_("initial state"), default=False)
    sla_days = models.PositiveIntegerField(
        _("time limit in this state (working days)"), null=True, blank=True, help_text=_("Empty: no limit of its own.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("workflow state")
        verbose_name_plural = _("workflow states")
        ordering = ["workflow", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="workflowstate_unique_code"),
            models.UniqueConstraint(
                fields=["workflow"],
                condition=Q(is_initial=True),
                name="workflowstate_one_initial",
                violation_error_message=_("A workflow has exactly one initial state."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and _english() else self.name

    @property
    def display_public_name(self) -> str:
        if _english() and (self.public_name_en or self.name_en):
            return self.public_name_en or self.name_en
        return self.public_name or self.name

    @property
    def is_final(self) -> bool:
        return self.kind == StateKind.FINAL

    @property
    def is_waiting(self) -> bool:
        return self.kind == StateKind.WAITING


APPLICANT = "applicant"
SYSTEM = "system"


class WorkflowTransition(models.Model):
    workflow = models.ForeignKey(
        Workflow, verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="transitions"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    from_state = models.ForeignKey(
        WorkflowState, verbose_name=_("from state"), on_delete=models.CASCADE, related_name="transitions_out"
    )
    to_state = models.ForeignKey(
        WorkflowState, verbose_name=_("to state"), on_delete=models.CASCADE, related_name="transitions_in"
    )
    allowed_roles = models.JSONField(
        _("allowed roles"),
        default=list,
        blank=True,
        help_text=_('Role codes (e.g. "verifier"), "applicant" for the applicant, "system" for automatic steps.'),
    )
    requires_comment = models.BooleanField(_("requires a comment"), default=False)
    requires_document = models.BooleanField(_("requires a document"), default=False)
    requires_fee_amount = models.BooleanField(_("requires a fee amount"), default=False)
    requires_assessing_organization = models.BooleanField(
        _("asks for the assessing agency"),
        default=False,
        help_text=_("The person choosing this step names the other agency that assesses or recommends."),
    )
    assessing_organization_role = models.CharField(
        _("done by the assessing agency"),
        max_length=50,
        blank=True,
        help_text=_(
            "Non-empty (e.g. technical_assessment) when this step is taken by the case's assessing agency "
            "instead of the responsible one."
        ),
    )
    is_public = models.BooleanField(_("shown to the applicant"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["workflow", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["workflow", "code"], name="workflowtransition_unique_code")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and _english() else self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from balai.organizations.models import Role

        super().clean()
        errors: dict[str, list] = {}
        if self.workflow_id and self.from_state_id and self.from_state.workflow_id != self.workflow_id:
            errors.setdefault("from_state", []).append(_("The state belongs to another workflow."))
        if self.workflow_id and self.to_state_id and self.to_state.workflow_id != self.workflow_id:
            errors.setdefault("to_state", []).append(_("The state belongs to another workflow."))
        if self.from_state_id and self.from_state.kind == StateKind.FINAL:
            errors.setdefault("from_state", []).append(_("A final state has no way out."))
        valid = {*Role.values, APPLICANT, SYSTEM}
        roles = self.allowed_roles
        if not isinstance(roles, list) or not roles or any(r not in valid for r in roles):
            errors.setdefault("allowed_roles", []).append(
                _("List one or more of: %(roles)s.") % {"roles": ", ".join(sorted(valid))}
            )
        if errors:
            raise ValidationError(errors)


class CaseType(models.TextChoices):
    SERVICE_APPLICATION = "service_application", _("Service application")
    COMPLAINT = "complaint", _("Complaint")
    INFO_REQUEST = "info_request", _("Public information request")
    OBJECTION = "objection", _("Objection")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    COUNTER = "counter", _("Service counter")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", _("Confidential")


_SCOPE_COLUMNS = ["confidentiality", "assigned_to"]


class Case(models.Model):
    number = models.CharField(_("registration number"), max_length=64, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    verification_code = models.CharField(_("verification code"), max_length=32)
    case_type = models.CharField(
        _("case type"), max_length=32, choices=CaseType.choices, default=CaseType.SERVICE_APPLICATION
    )
    service_version = models.ForeignKey(
        "services.ServiceVersion",
        verbose_name=_("service version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    workflow = models.ForeignKey(Workflow, verbose_name=_("workflow"), on_delete=models.PROTECT, related_name="cases")
    state = models.ForeignKey(WorkflowState, verbose_name=_("state"), on_delete=models.PROTECT, related_name="cases")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible organization"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assessing_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("assessing organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessed_cases",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    walk_in_name = models.CharField(_("walk-in applicant's name"), max_length=200, blank=True)
    walk_in_nik = EncryptedTextField(_("walk-in applicant's NIK"), blank=True, default="")
    walk_in_nik_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    walk_in_phone = EncryptedTextField(_("walk-in applicant's phone"), blank=True, default="")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    fee_amount = models.PositiveBigIntegerField(_("fee (rupiah)"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # SLA clock: due_at = end of the (sla_days + sla_paused_days)-th working day after submission.
    sla_days = models.PositiveIntegerField(_("time limit (working days)"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    state_due_at = models.DateTimeField(_("due in this state at"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    sla_paused_days = models.PositiveIntegerField(_("working days paused"), default=0)
    sla_extended_days = models.PositiveIntegerField(_("working days added by an extension"), default=0)
    sla_extended_at = models.DateTimeField(_("time limit extended at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applicant__isnull=False) | ~Q(walk_in_name=""),
                name="case_has_applicant_or_walk_in",
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__isnull=True) | Q(fee_amount__gt=0), name="case_fee_positive"
            ),
        ]
        indexes = [
            # The worklist reads (agency, state) ordered by due date with the id as tie-break: with the id in
            # the index a page is an index-only scan (1M cases: 333 ms -> about 4 ms).
            # The included columns let the confidentiality rule (confidential cases only for some roles and the
            # assignee) be checked inside the same index-only scans (PostgreSQL; SQLite ignores INCLUDE).
            models.Index(
                fields=["organization", "state", "due_at", "id"], include=_SCOPE_COLUMNS, name="case_worklist_idx"
            ),
            models.Index(
                fields=["assessing_organization", "state", "due_at", "id"],
                include=_SCOPE_COLUMNS,
                name="case_assessing_idx",
            ),
            # Open cases per state (the worklist's totals) without reading the closed history.
            models.Index(
                fields=["organization", "state"],
                include=_SCOPE_COLUMNS,
                condition=Q(closed_at__isnull=True),
                name="case_open_state_idx",
            ),
            models.Index(
                fields=["assessing_organization", "state"],
                include=_SCOPE_COLUMNS,
                condition=Q(closed_at__isnull=True),
                name="case_open_assessing_idx",
            ),
            models.Index(fields=["applicant", "-submitted_at"], name="case_citizen_idx"),
            models.Index(fields=["assigned_to", "due_at"], name="case_assigned_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            self.closed_at is None
            and self.sla_paused_at is None
            and self.due_at is not None
            and (self.due_at < timezone.now())
        )

    @property
    def applicant_name(self) -> str:
        if self.applicant_id:
            return self.applicant.full_name
        return self.walk_in_name


class CaseDraft(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="case_drafts"
    )
    service_version = models.ForeignKey(
        "services.ServiceVersion", verbose_name=_("service version"), on_delete=models.CASCADE, related_name="drafts"
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Set when the draft is submitted: the draft is the idempotency key of its submission.
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("submitted as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="casedraft_user_idx")]

    def __str__(self) -> str:
        return f"{self.service_version} · {self.updated_at:%Y-%m-%d}"


class CaseSequence(models.Model):
    """The last number issued per prefix and year; its row is locked while a number is taken."""

    prefix = models.CharField(max_length=64)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="casesequence_unique_prefix_year")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    requirement_code = models.CharField(_("requirement"), max_length=64, blank=True)
    storage_name = models.CharField(_("stored as"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    is_public = models.BooleanField(_("shown to the applicant"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TimelineKind(models.TextChoices):
    SUBMISSION = "submission", _("Submitted")
    TRANSITION = "transition", _("Status change")
    PUBLIC_REPLY = "public_reply", _("Reply")
    NOTE = "note", _("Note")
    ASSIGNMENT = "assignment", _("Assignment")
    DOCUMENT = "document", _("Document")
    DEADLINE_EXTENDED = "deadline_extended", _("Time limit extended")


class TimelineEntry(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_state = models.ForeignKey(
        WorkflowState, verbose_name=_("from"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_state = models.ForeignKey(
        WorkflowState, verbose_name=_("to"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transition_code = models.CharField(_("transition"), max_length=50, blank=True)
    body = models.TextField(_("text"), blank=True, max_length=10000)
    attachment = models.ForeignKey(
        Attachment, verbose_name=_("document"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_public = models.BooleanField(_("shown to the applicant"), default=False)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="timeline_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


from balai.cases.models_apply import PendingUpload  # noqa: E402, F401 - registers the model
