"""``manage.py documents_pki``: create or complete the demo PKI (a root CA and one signing certificate per
agency) and the agencies' demo signing profiles. ``--show`` prints where the root is and the fingerprints."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from balai.documents.models import SigningProfile, SigningProvider
from balai.documents.signing import ensure_demo_pki, pki_dir, root_certificate_path
from balai.documents.signing.base import certificate_sha256
from balai.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Create the demo PKI (root CA 'Balai Demo Root CA' and a signing certificate per agency) under "
        "BALAI_PKI_DIR and point the agencies' signing profiles at it. Safe to run again. Never for production."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--show", action="store_true", help="Only print the root's path and the fingerprints.")
        parser.add_argument(
            "--organization",
            action="append",
            default=[],
            metavar="CODE",
            help="Only this agency (repeat for several); default: every active top-level organization.",
        )
        parser.add_argument(
            "--force-demo",
            action="store_true",
            help="Run even though BALAI_ENV=production (a demo key then signs real documents: do not).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show"]:
            self._show()
            return
        production = getattr(settings, "BALAI_ENV", "") == "production"
        if production and not options["force_demo"]:
            raise CommandError(
                "BALAI_ENV=production: the demo PKI is not for production. Configure a PKCS#12 file or a remote "
                "signing service per agency (docs/operators/signing.md), or pass --force-demo if you really mean it."
            )
        organizations = None
        if options["organization"]:
            codes = [c.strip().upper() for c in options["organization"]]
            organizations = list(Organization.objects.filter(code__in=codes).order_by("code"))
            missing = sorted(set(codes) - {o.code for o in organizations})
            if missing:
                raise CommandError(f"No organization with the code(s): {', '.join(missing)}")
        result = ensure_demo_pki(organizations, allow_production=production)
        if int(options.get("verbosity", 1)) < 1:
            return
        self.stdout.write(f"Root CA: {result.root_certificate_path} ({'created' if result.root_created else 'kept'})")
        self.stdout.write(f"Root SHA-256: {result.root_sha256}")
        if result.issued:
            self.stdout.write(self.style.SUCCESS(f"New certificates: {', '.join(result.issued)}"))
        if result.unchanged:
            self.stdout.write(f"Kept: {', '.join(result.unchanged)}")
        if result.skipped:
            self.stdout.write(f"Signing with another provider, left alone: {', '.join(result.skipped)}")
        if not result.changed:
            self.stdout.write("Demo PKI complete: nothing to do.")

    def _show(self) -> None:
        path = root_certificate_path()
        try:
            root = x509.load_pem_x509_certificate(path.read_bytes())
        except (OSError, ValueError):
            raise CommandError(f"No demo PKI in {pki_dir()} yet: run manage.py documents_pki.") from None
        self.stdout.write(f"Root CA: {path}")
        self.stdout.write(f"Subject: {root.subject.rfc4514_string()}")
        self.stdout.write(f"Valid until: {root.not_valid_after_utc.date().isoformat()}")
        self.stdout.write(f"Root SHA-256: {certificate_sha256(root)}")
        profiles = SigningProfile.objects.filter(provider=SigningProvider.DEMO).select_related("organization")
        for profile in profiles.order_by("organization__code"):
            state = "" if profile.is_active else " (inactive)"
            fingerprint = profile.certificate_sha256 or "-"
            self.stdout.write(f"{profile.organization.code}: {fingerprint}{state}")
