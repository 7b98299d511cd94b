"""``manage.py complaints_sweep``: escalate overdue complaints, close the ones the reporter left without a
reaction, cancel unconfirmed ones. Run it from the scheduler or cron every 15 minutes; it is safe to run
again or on two machines at once."""

from django.core.management.base import BaseCommand

from balai.complaints.services import complaints_sweep


class Command(BaseCommand):
    help = "Escalate overdue complaints, close unanswered responses, cancel complaints whose contact was not confirmed."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="At most this many complaints of each kind.")

    def handle(self, *args, **options):
        result = complaints_sweep(limit=max(1, int(options["limit"])))
        self.stdout.write(
            f"escalated {result.escalated}, closed {result.closed}, cancelled {result.cancelled}, "
            f"failed {len(result.failed)}"
        )
        for number in result.failed:
            self.stderr.write(f"failed: {number}")
