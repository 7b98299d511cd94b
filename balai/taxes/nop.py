"""NOP (Nomor Objek Pajak) of PBB-P2: 18 digits read as province 2, regency 2, district 3, village 3, block 3,
number 4 and a code digit 1, printed ``32.01.010.001.001.0001.0``.

Structure is checked everywhere (length, digits only, no all-zero part but the code digit). Where the installation
knows its own region, the region parts must match too:

- province and regency must equal the regency's Kemendagri code (``Region.code``, e.g. ``99.01`` → ``99`` ``01``);
- district: when the regency has districts on record, the NOP's 3-digit district code must be one of them, written
  the way the PBB register writes Kemendagri's 2-digit code: with a trailing zero (``99.01.03`` → ``030``);
- village: when the district has villages on record, the NOP's 3-digit village code must be the last three digits
  of one of their 4-digit Kemendagri codes (``99.01.03.2002`` → ``002``).

A regency whose PBB register numbers areas differently keeps no districts or villages on record for this check
(the structure is still checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from balai.core.exceptions import ValidationFailed

NOP_LENGTH = 18
# Widths of the parts, in order.
PARTS = (("province", 2), ("regency", 2), ("district", 3), ("village", 3), ("block", 3), ("number", 4), ("code", 1))
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class Nop:
    province: str
    regency: str
    district: str
    village: str
    block: str
    number: str
    code: str

    @property
    def digits(self) -> str:
        return "".join(getattr(self, name) for name, _width in PARTS)

    @property
    def formatted(self) -> str:
        return ".".join(getattr(self, name) for name, _width in PARTS)

    @property
    def area_prefix(self) -> str:
        """Province, regency, district and village: the first 10 digits."""
        return self.digits[:10]


def _split(digits: str) -> Nop:
    values: dict[str, str] = {}
    start = 0
    for name, width in PARTS:
        values[name] = digits[start : start + width]
        start += width
    return Nop(**values)


def normalise(value: object) -> str:
    """The digits of ``value`` with the usual separators (dots, spaces, hyphens) removed; not validated."""
    return _SEPARATORS.sub("", str(value or ""))


def structure_errors(value: object) -> list[str]:
    """What is wrong with the form of ``value`` as a NOP (translated), an empty list when it is well formed."""
    text = str(value or "").strip()
    if not text:
        return [_("Enter the NOP (18 digits).")]
    digits = normalise(text)
    if not digits.isascii() or not digits.isdigit():
        return [_("A NOP has digits only, for example 32.01.010.001.001.0001.0.")]
    if len(digits) != NOP_LENGTH:
        return [
            _("A NOP has %(expected)d digits; this one has %(actual)d.")
            % {"expected": NOP_LENGTH, "actual": len(digits)}
        ]
    nop = _split(digits)
    labels = {
        "province": _("province"),
        "regency": _("regency"),
        "district": _("district"),
        "village": _("village"),
        "block": _("block"),
        "number": _("object number"),
    }
    return [
        _("The %(part)s part of the NOP cannot be all zeros.") % {"part": label}
        for name, label in labels.items()
        if set(getattr(nop, name)) == {"0"}
    ]


def parse(value: object) -> Nop:
    """The NOP in ``value`` (with or without separators), or ``ValidationFailed`` on the ``nop`` field."""
    errors = structure_errors(value)
    if errors:
        raise ValidationFailed(errors[0], code="invalid_nop", fields={"nop": errors})
    return _split(normalise(value))


def district_part(kemendagri_code: str) -> str | None:
    """``99.01.03`` → ``030``: the NOP's district part for a Kemendagri district code (None if not one)."""
    parts = kemendagri_code.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 2:
        return None
    return parts[2] + "0"


def village_part(kemendagri_code: str) -> str | None:
    """``99.01.03.2002`` → ``002``: the NOP's village part for a Kemendagri village code (None if not one)."""
    parts = kemendagri_code.split(".")
    if len(parts) != 4 or not parts[3].isdigit() or len(parts[3]) != 4:
        return None
    return parts[3][1:]


def region_errors(nop: Nop) -> list[str]:
    """Where the installation knows its region, districts and villages: do the NOP's region parts match them?"""
    from balai.organizations.models import District, Region, Village

    region_codes = [
        code for code in Region.objects.values_list("code", flat=True) if re.fullmatch(r"\d{2}\.\d{2}", code)
    ]
    if not region_codes:
        return []
    if f"{nop.province}.{nop.regency}" not in region_codes:
        return [
            _("The NOP starts with %(found)s, but this regency's code is %(expected)s.")
            % {"found": f"{nop.province}.{nop.regency}", "expected": " / ".join(sorted(region_codes))}
        ]
    prefix = f"{nop.province}.{nop.regency}."
    districts = {
        district_part(code): code
        for code in District.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    }
    districts.pop(None, None)
    if not districts:
        return []
    district_code = districts.get(nop.district)
    if district_code is None:
        return [_("The district part %(part)s of the NOP is not a district of this regency.") % {"part": nop.district}]
    villages = {
        village_part(code)
        for code in Village.objects.filter(district__code=district_code).values_list("code", flat=True)
    }
    villages.discard(None)
    if villages and nop.village not in villages:
        return [
            _("The village part %(part)s of the NOP is not a village of district %(district)s.")
            % {"part": nop.village, "district": nop.district}
        ]
    return []


def validate(value: object, *, check_region: bool = True) -> Nop:
    """Parse ``value`` and, when ``check_region``, check its region parts against the known region."""
    nop = parse(value)
    if check_region:
        errors = region_errors(nop)
        if errors:
            raise ValidationFailed(errors[0], code="nop_outside_region", fields={"nop": errors})
    return nop


def format_nop(digits: str) -> str:
    """``320101000100100010`` → ``32.01.010.001.001.0001.0`` (anything not 18 digits is returned as it is)."""
    if len(digits) != NOP_LENGTH or not digits.isdigit():
        return digits
    return _split(digits).formatted
