"""NPWPD (Nomor Pokok Wajib Pajak Daerah): the regional taxpayer number.

Format ``P.1.0000001.99.01`` (17 characters), the layout many regencies print on the NPWPD card:

- ``P.1`` for a person (pribadi), ``B.2`` for a business (badan usaha);
- a 7-digit running number, gap-free over all taxpayers of the installation (taken from a locked row inside the
  registering transaction, so a failed registration gives its number back);
- the regency's Kemendagri code (``99.01``), taken from ``Region.code`` when the taxpayer is registered
  (``00.00`` when no region is on record).

The running number alone makes an NPWPD unique; the letter, digit and regency make it readable.
"""

from __future__ import annotations

import re

from django.db import connection
from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

NPWPD_RE = re.compile(r"^(?P<letter>[PB])\.(?P<digit>[12])\.(?P<serial>\d{7})\.(?P<regency>\d{2}\.\d{2})$")
PREFIX = {"individual": "P.1", "business": "B.2"}
MAX_SERIAL = 9_999_999
SEQUENCE_NAME = "npwpd"


def format_npwpd(*, kind: str, serial: int, regency_code: str) -> str:
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"NPWPD running number out of range: {serial}")
    if not re.fullmatch(r"\d{2}\.\d{2}", regency_code):
        regency_code = "00.00"
    return f"{PREFIX[kind]}.{serial:07d}.{regency_code}"


def npwpd_errors(value: object) -> list[str]:
    text = str(value or "").strip().upper()
    match = NPWPD_RE.match(text)
    if match is None:
        return [_("An NPWPD looks like P.1.0000001.99.01 (P.1 for a person, B.2 for a business).")]
    if (match["letter"], match["digit"]) not in {("P", "1"), ("B", "2")}:
        return [_("An NPWPD starts with P.1 (a person) or B.2 (a business).")]
    if int(match["serial"]) == 0:
        return [_("The running number of an NPWPD cannot be zero.")]
    return []


def normalise_npwpd(value: object) -> str:
    """The NPWPD in ``value`` in its stored form, or ``ValidationFailed`` on the ``npwpd`` field."""
    errors = npwpd_errors(value)
    if errors:
        raise ValidationFailed(errors[0], code="invalid_npwpd", fields={"npwpd": errors})
    return str(value).strip().upper()


def regency_code() -> str:
    from balai.organizations.models import Region

    codes = [
        c for c in Region.objects.order_by("id").values_list("code", flat=True) if re.fullmatch(r"\d{2}\.\d{2}", c)
    ]
    return codes[0] if codes else "00.00"


def next_serial() -> int:
    """Take the next running number. Must run inside the registering transaction (the row stays locked)."""
    from balai.taxes.models import TaxSequence

    if not connection.in_atomic_block:
        raise RuntimeError("next_serial must run inside transaction.atomic()")
    TaxSequence.objects.get_or_create(name=SEQUENCE_NAME)
    sequence = TaxSequence.objects.select_for_update().get(name=SEQUENCE_NAME)
    if sequence.last_value >= MAX_SERIAL:
        raise ValidationFailed(_("The NPWPD running numbers are used up."), code="npwpd_exhausted")
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value
