"""``manage.py start``: what ``make run`` does after installing — prepare the database and the demo
data once, then run the web server, the task worker and the scheduler together until Ctrl-C stops them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo data if missing, then run the web server and the task worker together."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
        parser.add_argument("--no-demo", action="store_true", help="Do not load the Kabupaten Contoh demo data.")

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compile_translations", verbosity=0)
        # Static files are served from the apps (WhiteNoise finders); the folder only has to exist.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # The shipped workflows (simple, technical_review, recommendation) exist on every install.
        call_command("ensure_workflows", verbosity=0)
        if not options["no_demo"]:
            call_command("load_demo", verbosity=0)
        host, port = str(options["host"]), str(options["port"])
        self._print_banner(host, port)
        self._run_processes(host, port, int(options["web_workers"]))  # type: ignore[arg-type]

    def _print_banner(self, host: str, port: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Balai is running on http://{host}:{port}/"))
        credentials = Path(settings.VAR_DIR) / "demo-credentials.txt"
        if credentials.exists():
            self.stdout.write(f"Demo sign-ins (kept in {credentials}):")
            self.stdout.write(credentials.read_text())
        self.stdout.write("Press Ctrl-C to stop the web server and the worker.")
        self.stdout.flush()

    def _run_processes(self, host: str, port: str, web_workers: int) -> None:
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        web = [
            python, "-m", "gunicorn", "balai.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(max(1, web_workers)), "--threads", "4",
            "--config", "python:balai.gunicorn_conf",
            "--graceful-timeout", "5",
        ]  # fmt: skip
        worker = [python, manage, "db_worker", "--interval", "1"]
        periodic = [python, manage, "scheduler"]  # enqueues the periodic jobs; the worker runs them
        processes = [
            subprocess.Popen(web, cwd=settings.BASE_DIR),  # noqa: S603 - fixed argv, no shell
            subprocess.Popen(worker, cwd=settings.BASE_DIR),  # noqa: S603
            subprocess.Popen(periodic, cwd=settings.BASE_DIR),  # noqa: S603
        ]
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            # If one process dies, stop the others too: a web server without its worker loses work.
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + 10
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped.")
