"""``manage.py audit_verify``: recompute the audit chain; exit non-zero at the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from balai.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail and report the first edited or deleted event."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--expect-hash",
            default=None,
            help="A head hash printed by an earlier run: fail unless it is still in the chain (detects a cut-off end).",
        )

    def handle(self, *args: object, **options: object) -> None:
        result = audit_verify_chain(expect_hash=options.get("expect_hash") or None)  # type: ignore[arg-type]
        if not result.ok:
            where = f"at event {result.broken_event_id} " if result.broken_event_id else ""
            raise CommandError(
                f"audit chain broken {where}({result.problem}) after {result.count} good events: {result.message}"
            )
        self.stdout.write(result.message)
        if result.head_hash:
            self.stdout.write(f"head: {result.head_hash}")
