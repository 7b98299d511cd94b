"""``manage.py audit_verify``: recompute the audit chain; exit non-zero at the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from balai.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail and report the first edited or deleted event."

    def handle(self, *args: object, **options: object) -> None:
        result = audit_verify_chain()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at event {result.broken_event_id} ({result.problem}) "
                f"after {result.count} good events: {result.message}"
            )
        self.stdout.write(result.message)
