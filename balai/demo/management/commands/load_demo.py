"""``manage.py load_demo``: load the Kabupaten Contoh demo data (only what is missing)."""

from django.core.management.base import BaseCommand

from balai.demo.loader import load_demo
from balai.demo.services_loader import load_services


class Command(BaseCommand):
    help = "Load the Kabupaten Contoh demo data (agencies, regions, demo people). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        result = load_demo()
        load_services(result=result)  # after the organizations: services name their owner agency
        verbosity = int(options.get("verbosity", 1))  # type: ignore[call-overload]
        if not result.changed:
            if verbosity >= 1:
                self.stdout.write("Demo data already loaded: nothing to do.")
            return
        if verbosity >= 1:
            summary = ", ".join(f"{n} {what}" for what, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        if result.credentials_path is not None and verbosity >= 1:
            # Shown once: the passwords of the accounts created just now.
            self.stdout.write(f"Demo sign-ins (kept in {result.credentials_path}, mode 0600):")
            self.stdout.write(result.credentials_path.read_text(encoding="utf-8"))
