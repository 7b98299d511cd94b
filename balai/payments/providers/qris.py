"""QRIS payloads (EMVCo merchant-presented QR, as Bank Indonesia's QRIS standard profiles it): tag-length-value
fields ending with a CRC-16/CCITT-FALSE checksum, and the QR code drawn as an inline SVG for the pay page."""

from __future__ import annotations

import unicodedata

import qrcode
from django.utils.html import escape
from qrcode.constants import ERROR_CORRECT_M


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"QRIS field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def _ascii(text: str, limit: int) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = "".join(c for c in plain if c.isprintable())
    return plain.strip()[:limit] or "-"


def crc16_ccitt(data: bytes) -> str:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def build_payload(
    *, merchant_id: str, merchant_name: str, city: str, amount: int, bill_number: str, reference: str
) -> str:
    """A dynamic QRIS payload for ``amount`` rupiah (tag 01 = 12: used once)."""
    merchant_account = _field("00", "ID.CO.QRIS.WWW") + _field("02", merchant_id[:15]) + _field("03", "UME")
    additional = _field("01", bill_number[:25]) + _field("05", reference[:25])
    body = (
        _field("00", "01")
        + _field("01", "12")
        + _field("51", merchant_account)
        + _field("52", "9311")  # merchant category: government services and taxes
        + _field("53", "360")  # rupiah
        + _field("54", str(int(amount)))
        + _field("58", "ID")
        + _field("59", _ascii(merchant_name, 25))
        + _field("60", _ascii(city, 15))
        + _field("62", additional)
        + "6304"
    )
    return body + crc16_ccitt(body.encode("ascii"))


def parse_payload(payload: str) -> dict[str, str]:
    """The top-level fields of a payload (after checking its CRC); ValueError when it is not well formed."""
    if len(payload) < 8 or payload[-8:-4] != "6304" or crc16_ccitt(payload[:-4].encode("ascii")) != payload[-4:]:
        raise ValueError("bad QRIS checksum")
    fields: dict[str, str] = {}
    index = 0
    while index < len(payload) - 8:
        tag, length = payload[index : index + 2], int(payload[index + 2 : index + 4])
        fields[tag] = payload[index + 4 : index + 4 + length]
        index += 4 + length
    return fields


def qr_svg(payload: str, *, title: str) -> str:
    """The QR code of ``payload`` as an inline SVG (one path, no styles: allowed by the site's CSP)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="264" height="264" '
        f'role="img" aria-labelledby="qris-title" shape-rendering="crispEdges">'
        f'<title id="qris-title">{escape(title)}</title>'
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>'
        f'<path fill="#000000" d="{"".join(parts)}"/></svg>'
    )
