"""Shared-kernel models: the holidays and collective leave (cuti bersama) that administrators keep next to
the national holidays of the ``holidays`` package, for deadlines counted in working days."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    COLLECTIVE_LEAVE = "collective_leave", _("Collective leave (cuti bersama)")
    LOCAL = "local", _("Local holiday")


class Holiday(models.Model):
    """One day off (or, with ``is_working_day_override``, one day that is worked although the calendar
    says otherwise, e.g. a national holiday moved by decree)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.LOCAL)
    is_working_day_override = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick to make this date a working day even if it is a weekend or a national holiday."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


# The calendar's cache-refresh receivers must be connected whenever the models are loaded.
from balai.core import calendar as _calendar  # noqa: E402, F401


class ScheduledJob(models.Model):
    """The state of one periodic job (``balai.core.scheduler``); its row is locked while it is enqueued."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
