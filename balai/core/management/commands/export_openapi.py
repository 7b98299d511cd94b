"""``manage.py export_openapi [--check]``: write the OpenAPI document of /api/v1/ to docs/api/openapi.json
(sorted keys, stable), or with ``--check`` fail when the committed file differs from the generated one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

DEFAULT_PATH = Path("docs") / "api" / "openapi.json"


def generate_openapi() -> str:
    from balai.api.api import api

    # English and a fixed prefix, so that the document does not depend on who runs the command where.
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document to docs/api/openapi.json, or check that the committed one is current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file differs from the generated one.")
        parser.add_argument("--path", default=None, help=f"Where the document lives (default: {DEFAULT_PATH}).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]) if options["path"] else Path(settings.BASE_DIR) / DEFAULT_PATH
        document = generate_openapi()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != document:
                raise CommandError(
                    f"{path} is out of date with the API; run `manage.py export_openapi` and commit the result."
                )
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
