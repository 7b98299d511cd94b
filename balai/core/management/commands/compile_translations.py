from django.core.management.base import BaseCommand

from balai.core.translations import compile_all


class Command(BaseCommand):
    help = "Compile every .po catalogue of Balai to .mo (pure Python; GNU gettext is not needed)."

    def handle(self, *args: object, **options: object) -> None:
        written = compile_all()
        self.stdout.write(f"{len(written)} catalogue(s) compiled")
