from django.core.management.base import BaseCommand, CommandError

from balai.core.translations import catalogues, incomplete_entries


class Command(BaseCommand):
    help = "Fail when a catalogue of the given language (default: id) has untranslated or fuzzy entries."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--language", default="id")

    def handle(self, *args: object, **options: object) -> None:
        language = str(options["language"])
        if not catalogues(language):
            raise CommandError(f"no catalogue for language {language!r}")
        problems = incomplete_entries(language)
        for path, line, problem, msgid in problems:
            self.stderr.write(f"{path}:{line}: {problem}: {msgid!r}")
        if problems:
            raise CommandError(f"{len(problems)} incomplete entries in the {language!r} catalogues")
        self.stdout.write(f"{language}: every entry translated")
