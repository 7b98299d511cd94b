"""Create the shipped workflows that are missing; existing ones (and administrators' edits) stay as they are."""

from django.core.management.base import BaseCommand

from balai.cases.workflows import ensure_default_workflows


class Command(BaseCommand):
    help = "Create the shipped workflows (simple, technical_review, recommendation) that do not exist yet."

    def handle(self, *args, **options):
        for workflow in ensure_default_workflows():
            self.stdout.write(
                f"{workflow.code}: {workflow.states.count()} states, {workflow.transitions.count()} transitions"
            )
