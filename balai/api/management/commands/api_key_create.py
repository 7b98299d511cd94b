"""``manage.py api_key_create --owner EMAIL --name NAME [--scope S ...] [--expires-days N]``: prints the
new key once (only its hash is stored)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from balai.api.scopes import known_scopes
from balai.api.services import api_key_create
from balai.core.exceptions import BalaiError


class Command(BaseCommand):
    help = "Create an API key for a user and print it once. Known scopes: " + ", ".join(sorted(known_scopes()))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", required=True, help="E-mail address of the user the key acts as.")
        parser.add_argument("--name", required=True, help="What the key is for (e.g. the client system).")
        parser.add_argument("--scope", action="append", default=[], dest="scopes", help="A scope; repeatable.")
        parser.add_argument("--expires-days", type=int, default=None, help="Expire after this many days.")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()  # noqa: N806
        try:
            owner = User.objects.get_by_natural_key(options["owner"])
        except User.DoesNotExist as exc:
            raise CommandError(f"no user with the e-mail address {options['owner']!r}") from exc
        expires_at = None
        if options["expires_days"] is not None:
            if options["expires_days"] < 1:
                raise CommandError("--expires-days must be at least 1")
            expires_at = timezone.now() + timedelta(days=options["expires_days"])
        try:
            key, clear_key = api_key_create(
                actor=None, owner=owner, name=options["name"], scopes=options["scopes"], expires_at=expires_at
            )
        except BalaiError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        self.stdout.write(f"API key {key.name!r} for {owner} (id {key.pk}). Shown only this once:")
        self.stdout.write(clear_key)
