"""Outbound messages, read-only. With the demo SMS provider the body is shown so that people trying
Balai can read their verification codes here; a real provider's message bodies are hidden."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balai.notifications.models import OutboundMessage
from balai.notifications.providers import registered


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to_masked", "subject", "kind", "status", "provider"]
    list_filter = ["channel", "status", "kind", "provider"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "channel",
        "to_masked",
        "subject",
        "shown_body",
        "kind",
        "provider",
        "status",
        "error",
        "sent_at",
    ]
    readonly_fields = fields
    list_select_related = False

    @admin.display(description=_("body"))
    def shown_body(self, obj: OutboundMessage) -> str:
        provider = registered().get(obj.provider)
        if obj.channel == "sms" and not (provider and provider.is_demo):
            return str(_("(hidden: sent through a real SMS provider)"))
        if obj.kind == "verification" and obj.channel == "email":
            return str(_("(hidden: holds a verification code)"))
        return obj.body

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
