"""``manage.py levy_generate [--period 2026-05]``: charge a month (this month by default) to every running levy
subscription. Run it monthly (cron, systemd timer or the scheduler); it is idempotent."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from balai.taxes.due import local_today
from balai.taxes.services import levy_charges_generate


class Command(BaseCommand):
    help = "Charge one month of every running levy subscription (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", default="", help="YYYY-MM; this month when left out.")

    def handle(self, *args: Any, period: str, **options: Any) -> None:
        if period:
            match = re.fullmatch(r"(\d{4})-(\d{2})", period)
            if match is None or not 1 <= int(match[2]) <= 12:
                raise CommandError("Give the period as YYYY-MM, e.g. 2026-05.")
            year, month = int(match[1]), int(match[2])
        else:
            today = local_today(timezone.now())
            year, month = today.year, today.month
        result = levy_charges_generate(actor=None, year=year, month=month)
        for problem in result.failed:
            self.stderr.write(f"not charged: {problem}")
        self.stdout.write(f"{year}-{month:02d}: {result.created} charges made, {len(result.failed)} not charged")
