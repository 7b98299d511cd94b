"""NIK (Nomor Induk Kependudukan), the 16-digit national identity number on the KTP.

Layout: ``PP KK CC DDMMYY SSSS`` — province, regency/city, district (kecamatan), birth date (women add 40
to the day), serial. There is no check digit, so validation checks the structure and, when the profile
gives them, that the birth date and sex agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIK_LENGTH = 16
MASK_CHAR = "•"

# Province codes of the Kemendagri list (Permendagri on administrative area codes).
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{code:02d}"
    for code in [
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    ]
)

SEX_MALE = "M"
SEX_FEMALE = "F"


@dataclass(frozen=True)
class NikParts:
    nik: str
    province: str
    regency: str
    district: str
    birth_day: int
    birth_month: int
    birth_year_2: int  # the two-digit year; the century is not in the NIK
    sex: str  # "M" or "F"
    serial: str

    @property
    def region_code(self) -> str:
        """``PP.KK.CC`` as used in Kemendagri area codes."""
        return f"{self.province}.{self.regency}.{self.district}"

    def birth_date_in(self, century: int) -> datetime.date:
        return datetime.date(century + self.birth_year_2, self.birth_month, self.birth_day)


def normalize_nik(value: str | None) -> str:
    """Strip surrounding spaces and the spaces or dots people type inside a NIK."""
    return "".join(str(value or "").split()).replace(".", "")


def _date_exists(day: int, month: int, year_2: int) -> bool:
    # The century is unknown: accept the date when it exists in either 19xx or 20xx (29 Feb 00 exists in 2000).
    for century in (1900, 2000):
        try:
            datetime.date(century + year_2, month, day)
        except ValueError:
            continue
        return True
    return False


def validate_nik(nik: str | None, *, birth_date: datetime.date | None = None, sex: str | None = None) -> NikParts:
    """Check ``nik`` and return its parts, or raise ValidationError with a specific translated message.

    When ``birth_date`` or ``sex`` ("M"/"F") are given, the date and sex encoded in the NIK must agree."""
    value = normalize_nik(nik)
    if not value:
        raise ValidationError(_("Enter your NIK (16 digits)."), code="nik_required")
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("A NIK contains digits only, without letters or symbols."), code="nik_not_digits")
    if len(value) != NIK_LENGTH:
        raise ValidationError(
            _("A NIK has exactly 16 digits; you entered %(count)d.") % {"count": len(value)},
            code="nik_length",
        )
    province, regency, district = value[0:2], value[2:4], value[4:6]
    day_code, month, year_2, serial = int(value[6:8]), int(value[8:10]), int(value[10:12]), value[12:16]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _("The first two digits of the NIK (%(code)s) are not a province code.") % {"code": province},
            code="nik_province",
        )
    if regency == "00":
        raise ValidationError(_("Digits 3–4 of the NIK (regency or city) cannot be 00."), code="nik_regency")
    if district == "00":
        raise ValidationError(_("Digits 5–6 of the NIK (district) cannot be 00."), code="nik_district")
    if 1 <= day_code <= 31:
        nik_sex, day = SEX_MALE, day_code
    elif 41 <= day_code <= 71:
        nik_sex, day = SEX_FEMALE, day_code - 40
    else:
        raise ValidationError(
            _("Digits 7–8 of the NIK must be a day of birth (01–31, or 41–71 for women)."), code="nik_day"
        )
    if not 1 <= month <= 12:
        raise ValidationError(_("Digits 9–10 of the NIK must be a month of birth (01–12)."), code="nik_month")
    if not _date_exists(day, month, year_2):
        raise ValidationError(_("The birth date in the NIK does not exist."), code="nik_date")
    if serial == "0000":
        raise ValidationError(_("The last four digits of the NIK cannot be 0000."), code="nik_serial")
    parts = NikParts(
        nik=value,
        province=province,
        regency=regency,
        district=district,
        birth_day=day,
        birth_month=month,
        birth_year_2=year_2,
        sex=nik_sex,
        serial=serial,
    )
    if birth_date is not None and (
        birth_date.day != day or birth_date.month != month or birth_date.year % 100 != year_2
    ):
        raise ValidationError(
            _("The birth date in the NIK (%(nik_date)s) does not match the birth date given (%(date)s).")
            % {"nik_date": f"{day:02d}-{month:02d}-{year_2:02d}", "date": birth_date.strftime("%d-%m-%Y")},
            code="nik_birth_date_mismatch",
        )
    if sex and sex != nik_sex:
        raise ValidationError(
            _("The NIK belongs to a woman (day of birth plus 40) but the sex given is male.")
            if nik_sex == SEX_FEMALE
            else _("The NIK belongs to a man but the sex given is female (for women the day of birth has 40 added)."),
            code="nik_sex_mismatch",
        )
    return parts


def mask_nik(nik: str | None) -> str:
    """``3201010101900001`` → ``3201••••••••0001``: the first four and the last four digits only."""
    value = normalize_nik(nik)
    if not value:
        return ""
    if len(value) <= 8:
        return MASK_CHAR * len(value)
    return value[:4] + MASK_CHAR * (len(value) - 8) + value[-4:]


def make_nik(birth_date: datetime.date, sex: str, *, region: str = "320101", serial: int = 1) -> str:
    """Compose a structurally valid NIK (for tests and the demo data)."""
    day = birth_date.day + (40 if sex == SEX_FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
