"""Administrators edit workflows (states and transitions inline); cases are read-only here — every change
of a case goes through the case services, so the admin only shows them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from balai.cases.models import Case, TimelineEntry, Workflow, WorkflowState, WorkflowTransition


class WorkflowStateInline(admin.TabularInline):
    model = WorkflowState
    extra = 0
    fields = ["position", "code", "name", "name_en", "public_name", "public_name_en", "kind", "is_initial", "sla_days"]


class WorkflowTransitionInline(admin.StackedInline):
    model = WorkflowTransition
    extra = 0
    fields = [
        ("position", "code"),
        ("name", "name_en"),
        ("from_state", "to_state"),
        "allowed_roles",
        ("requires_comment", "requires_document", "requires_fee_amount"),
        ("requires_assessing_organization", "assessing_organization_role"),
        "is_public",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # noqa: ANN001, ANN201
        # Only the states of the workflow being edited.
        workflow_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name in ("from_state", "to_state"):
            kwargs["queryset"] = WorkflowState.objects.filter(workflow_id=workflow_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]
    inlines = [WorkflowStateInline, WorkflowTransitionInline]


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "from_state", "to_state", "transition_code", "is_public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "state", "organization", "channel", "submitted_at", "due_at", "closed_at"]
    list_filter = ["case_type", "channel", "priority", "workflow"]
    search_fields = ["number"]
    date_hierarchy = "submitted_at"
    list_select_related = ["state", "organization"]
    inlines = [TimelineInline]
    exclude = ["walk_in_nik", "walk_in_phone", "answers", "verification_code"]
    readonly_fields = [
        "number",
        "year",
        "sequence",
        "case_type",
        "service_version",
        "workflow",
        "state",
        "organization",
        "assessing_organization",
        "applicant",
        "walk_in_name",
        "channel",
        "priority",
        "confidentiality",
        "fee_amount",
        "assigned_to",
        "submitted_at",
        "sla_days",
        "due_at",
        "state_due_at",
        "sla_paused_at",
        "sla_paused_days",
        "closed_at",
        "version",
    ]

    @admin.display(description=_("state"))
    def state_name(self, obj: Case) -> str:
        return obj.state.display_name

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
