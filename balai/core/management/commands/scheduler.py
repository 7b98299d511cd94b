"""``manage.py scheduler``: enqueue the periodic jobs when they are due (see ``balai.core.scheduler``).

manage.py scheduler            wake up every 30 seconds until stopped
manage.py scheduler --once     one pass (for cron or a systemd timer)
manage.py scheduler --list     the registered jobs and their state
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from balai.core import scheduler


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (one enqueue per period across all schedulers)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--list", action="store_true", help="Show the registered jobs and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between passes.")

    def handle(self, *args: object, **options: object) -> None:
        if options["list"]:
            for job in scheduler.describe():
                error = f"; ERROR {job['last_error']}" if job["last_error"] else ""
                off = "" if job["enabled"] else "; switched off"
                self.stdout.write(
                    f"{job['name']}: every {job['every']} -> {job['command']}; next {job['next_run_at']}; "
                    f"last finished {job['last_finished_at']}{error}{off}"
                )
            return
        if options["once"]:
            for name in scheduler.run_due():
                self.stdout.write(f"enqueued {name}")
            return
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        interval = max(1.0, float(options["interval"]))  # type: ignore[arg-type]
        while not stopping:
            scheduler.run_due()
            slept = 0.0
            while not stopping and slept < interval:
                time.sleep(0.5)
                slept += 0.5
