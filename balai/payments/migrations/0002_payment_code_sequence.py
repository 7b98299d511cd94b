"""The PostgreSQL sequence of payment codes (see balai/payments/codes.py). Other databases use the
PaymentCodeCounter row instead, so this migration does nothing there."""

from django.db import migrations

SEQUENCE = "payments_payment_code_seq"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START WITH 1 MINVALUE 1 MAXVALUE 99999999999 NO CYCLE")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(create_sequence, drop_sequence)]
