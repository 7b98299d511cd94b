"""Re-encrypt every encrypted field with the newest key so that old keys can be retired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from balai.core import crypto

HELP = """Re-encrypt every EncryptedTextField value of every model with the first (newest) key of
FIELD_ENCRYPTION_KEYS.

How to rotate the encryption key:
  1. Generate a new key:
       python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
  2. Put it FIRST in FIELD_ENCRYPTION_KEYS, keeping the old key after it
       (FIELD_ENCRYPTION_KEYS=<new>,<old>) and restart every web and worker process.
  3. Run: manage.py rotate_encryption_keys
  4. When it reports no failures, remove the old key (FIELD_ENCRYPTION_KEYS=<new>) and restart again.

Blind indexes (BLIND_INDEX_KEY) are separate and are not changed by this command. The command is safe to
run again: values already under the newest key are skipped."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted without writing.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(1, int(options["batch_size"]))
        dry_run = bool(options["dry_run"])
        crypto.get_fernet()  # fail early on a bad configuration
        totals = {"rotated": 0, "current": 0, "failed": 0}
        for model, names in crypto.encrypted_fields():
            counts = self._rotate_model(model, names, batch_size=batch_size, dry_run=dry_run)
            for key in totals:
                totals[key] += counts[key]
            self.stdout.write(
                f"{model._meta.label}: {counts['rotated']} re-encrypted, {counts['current']} already current, "
                f"{counts['failed']} failed ({', '.join(names)})"
            )
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(
            f"Total: {totals['rotated']} {verb}, {totals['current']} already current, {totals['failed']} failed."
        )
        if totals["failed"]:
            raise CommandError(
                "Some values could not be decrypted with any configured key; keep the old keys until this is resolved."
            )

    def _rotate_model(
        self, model: type[models.Model], names: list[str], *, batch_size: int, dry_run: bool
    ) -> dict[str, int]:
        counts = {"rotated": 0, "current": 0, "failed": 0}
        manager = model._base_manager
        pk_name = model._meta.pk.attname
        # Read the stored tokens as plain text: the field itself would decrypt them.
        raw = {f"_raw_{name}": Cast(models.F(name), output_field=models.TextField()) for name in names}
        last_pk: Any = None
        while True:
            with transaction.atomic():
                qs = manager.order_by(pk_name)
                if last_pk is not None:
                    qs = qs.filter(**{f"{pk_name}__gt": last_pk})
                rows = list(qs.select_for_update().annotate(**raw).values(pk_name, *raw.keys())[:batch_size])
                if not rows:
                    break
                for row in rows:
                    changes: dict[str, Any] = {}
                    for name in names:
                        token = row[f"_raw_{name}"]
                        if not token:
                            continue
                        if crypto.is_current_key(token):
                            counts["current"] += 1
                            continue
                        try:
                            new_token = crypto.rotate(token)
                        except crypto.DecryptionError:
                            counts["failed"] += 1
                            self.stderr.write(f"{model._meta.label} {row[pk_name]}: {name} cannot be decrypted")
                            continue
                        counts["rotated"] += 1
                        # A Value with a plain TextField is written as is (no second encryption).
                        changes[name] = models.Value(new_token, output_field=models.TextField())
                    if changes and not dry_run:
                        manager.filter(**{pk_name: row[pk_name]}).update(**changes)
                last_pk = rows[-1][pk_name]
        return counts
