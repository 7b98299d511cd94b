"""``manage.py payments_expire_bills``: mark unpaid bills whose time ran out as expired (for cron or the
scheduler; the services also expire the one bill they touch, so running it late is harmless)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from balai.payments.services import bills_expire


class Command(BaseCommand):
    help = "Mark unpaid bills past their expiry as expired."

    def handle(self, *args: object, **options: object) -> None:
        count = bills_expire()
        self.stdout.write(f"{count} bill(s) expired")
