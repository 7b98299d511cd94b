"""Administrators keep the complaint categories (routing, deadlines, extra questions), the response templates
and the regency's complaint settings; complaints are read-only here (every change goes through the services),
and their reporter's contact never shows."""

from django.contrib import admin

from balai.complaints.models import Complaint, ComplaintCategory, ComplaintPhoto, ComplaintSettings, ResponseTemplate


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "coordinator", "verification_days", "auto_close_days", "duplicate_radius_m"]
    fields = ["coordinator", "verification_days", "auto_close_days", "duplicate_radius_m", "map_tile_url"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return not ComplaintSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        from django.utils import timezone

        from balai.audit.services import audit_log

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="complaint.settings_changed",
            target=obj,
            summary={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "open311_code", "name", "group", "routes_to", "by_district", "response_days", "is_active"]
    list_filter = ["is_active", "group", "by_district", "needs_location", "forces_confidential"]
    search_fields = ["code", "open311_code", "name", "name_en"]
    ordering = ["position", "name"]
    fields = [
        ("code", "open311_code"),
        ("name", "name_en"),
        ("group", "position"),
        "description",
        ("routes_to", "by_district"),
        "response_days",
        ("needs_location", "forces_confidential"),
        "keywords",
        "attributes",
        "is_active",
    ]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "organization", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["title", "body"]


class PhotoInline(admin.TabularInline):
    model = ComplaintPhoto
    extra = 0
    can_delete = False
    fields = ["created_at", "content_type", "size", "width", "height", "is_public"]
    readonly_fields = ["created_at", "content_type", "size", "width", "height"]

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["case", "category", "privacy", "is_published", "created_at", "response_due_at", "rating"]
    list_filter = ["privacy", "is_published", "category"]
    search_fields = ["case__number"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "case",
        "category",
        "title",
        "public_description",
        "attributes",
        "privacy",
        "latitude",
        "longitude",
        "address",
        "district",
        "is_published",
        "duplicate_of",
        "dispatched_at",
        "responded_at",
        "verification_due_at",
        "response_due_at",
        "reaction_due_at",
        "escalated_at",
        "reopened_count",
        "rating",
        "rating_comment",
        "created_at",
    ]
    # The reporter's name and contact, and the unmasked description, are not shown here.
    fields = readonly_fields
    inlines = [PhotoInline]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
