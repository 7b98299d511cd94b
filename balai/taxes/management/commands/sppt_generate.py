"""``manage.py sppt_generate --year 2026``: generate every PBB-P2 SPPT of a year here and now, with a progress bar.

Resumes the year's queued or running generation when there is one (so a run whose worker stopped is finished from
the command line), else starts a new one. Objects already assessed are skipped: running it again is harmless."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from balai.core.exceptions import BalaiError
from balai.taxes.models import GenerationRun, RunStatus
from balai.taxes.services import active_run, generation_execute, generation_request
from balai.taxes.services.sppt import DEFAULT_BATCH_SIZE

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Generate the PBB-P2 SPPT (and their bills) of a tax year, in batches, resumably."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Tax year, e.g. 2026.")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Objects per batch (one transaction each)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar, only the summary.")

    def handle(self, *args: Any, year: int, batch_size: int, quiet: bool, **options: Any) -> None:
        try:
            run = active_run(year) or generation_request(actor=None, year=year, enqueue=False)
        except BalaiError as exc:
            raise CommandError(str(exc.message)) from exc
        started = time.monotonic()
        progress = None if quiet else self._progress(started)
        try:
            run = generation_execute(run_id=run.pk, batch_size=batch_size, on_progress=progress)
        except BalaiError as exc:
            raise CommandError(str(exc.message)) from exc
        if progress is not None:
            sys.stdout.write("\n")
        elapsed = time.monotonic() - started
        summary = (
            f"SPPT {run.year}: {run.status}; {run.created_count} created, {run.skipped_count} skipped, "
            f"{run.error_count} errors, {run.done} objects in {elapsed:.1f} s (run #{run.pk})"
        )
        if run.status != RunStatus.COMPLETED:
            raise CommandError(summary + (f": {run.errors[-1]['message']}" if run.errors else ""))
        self.stdout.write(self.style.SUCCESS(summary))

    def _progress(self, started: float) -> Any:
        def show(run: GenerationRun) -> None:
            filled = BAR_WIDTH * run.percent // 100
            rate = run.done / max(time.monotonic() - started, 1e-6)
            sys.stdout.write(
                f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {run.percent:3d}% "
                f"{run.done}/{run.total} objects, {rate:,.0f}/s"
            )
            sys.stdout.flush()

        return show
