"""Administrators keep the holidays and collective leave (cuti bersama) the working-day calendar uses."""

from django.contrib import admin

from balai.core.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "is_working_day_override"]
    list_filter = ["kind", "is_working_day_override"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["-date"]
