"""Personal data that reporters type into the text of a complaint (a NIK, a phone number, an e-mail address)
is masked before the text is shown on public pages: enough stays to see that something was there."""

from __future__ import annotations

import re

MASK = "•"

EMAIL_RE = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})")
# A NIK: 16 digits, written together or in groups separated by one space, dot or hyphen.
NIK_RE = re.compile(r"(?<![\d])\d(?:[ .-]?\d){15}(?![\d])")
# A phone number: +62, 62 or 0, then 8 to 13 more digits (separators allowed); or an area code in brackets.
PHONE_RE = re.compile(
    r"(?:(?<![\w+])\+62|(?<![\w])62|(?<![\w])0)(?:[ .-]?\d){8,13}(?![\d])"
    r"|\(0\d{2,3}\)[ .-]?\d(?:[ .-]?\d){4,8}(?![\d])"
)


def _mask_digits(text: str, keep: int) -> str:
    """Keep the first ``keep`` digits (and every separator), mask the other digits."""
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep else MASK)
        else:
            out.append(ch)
    return "".join(out)


def _mask_email(match: re.Match[str]) -> str:
    local, domain = match.group(1), match.group(2)
    return f"{local[:1]}{MASK * 4}@{domain}"


def mask_personal_data(text: str | None) -> str:
    """``text`` with NIKs fully masked, phone numbers after their first four digits, and e-mail addresses
    after the first character of their local part (``b••••@contoh.go.id``)."""
    if not text:
        return ""
    masked = EMAIL_RE.sub(_mask_email, str(text))
    masked = NIK_RE.sub(lambda m: _mask_digits(m.group(0), 0), masked)
    return PHONE_RE.sub(lambda m: _mask_digits(m.group(0), 4), masked)
