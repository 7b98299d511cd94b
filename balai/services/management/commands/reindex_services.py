"""``manage.py reindex_services``: recompute the stemmed search text of every service (after agencies or
categories were renamed outside the catalogue's own services)."""

from django.core.management.base import BaseCommand

from balai.services.services import services_reindex


class Command(BaseCommand):
    help = "Recompute the search text of every service. Safe to run at any time."

    def handle(self, *args: object, **options: object) -> None:
        changed = services_reindex()
        self.stdout.write(f"{changed} service(s) reindexed.")
