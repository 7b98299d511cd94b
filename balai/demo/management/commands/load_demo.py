"""``manage.py load_demo``: load the Kabupaten Contoh demo data (only what is missing)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from balai.complaints.categories import load_complaint_categories
from balai.demo.loader import load_demo
from balai.demo.services_loader import load_services
from balai.documents.demo import load_document_templates
from balai.documents.signing import ensure_demo_pki
from balai.taxes.demo import load_tax_demo


class Command(BaseCommand):
    help = "Load the Kabupaten Contoh demo data (agencies, regions, demo people). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        verbosity = int(options.get("verbosity", 1))  # type: ignore[call-overload]
        result = load_demo()
        load_services(result=result)  # after the organizations: services name their owner agency
        if settings.BALAI_ENV == "production":
            self.stderr.write("Production: no demo signing keys made; configure each agency's signing profile.")
        else:
            pki = ensure_demo_pki()  # before the templates: receipts and results are signed by agency keys
            if pki.changed and verbosity >= 1:
                self.stdout.write(f"Demo signing keys (not for production) in {pki.directory}.")
        load_document_templates(result=result)
        load_complaint_categories(result=result)  # after the organizations: categories name their agency
        load_tax_demo(result=result)  # the tax and levy configuration, then demo taxpayers and objects
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
