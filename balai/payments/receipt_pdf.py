"""The layout of a payment receipt (bukti pembayaran): the billing agency's letterhead, what was paid, how and
when, the amount in words, and the QR code of its public verification page. Built from the shared pieces of
``balai.documents.pdf.common`` so it looks like every other document of the platform (Indonesian wording, as
every official document)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from balai.documents.pdf.common import (
    CONTENT_WIDTH,
    STYLES,
    Letterhead,
    build_pdf,
    label_rows,
    letterhead_flowables,
    markup,
    verification_block,
)

DOCUMENT_TYPE = "Bukti Pembayaran"
NOTE = (
    "Bukti pembayaran ini sah tanpa tanda tangan basah dan cap. Pembayaran telah diterima dan dicatat pada kas "
    "daerah melalui saluran pembayaran di atas."
)
_UNITS = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def rupiah(amount: int) -> str:
    """``1250000`` → ``Rp1.250.000``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def _below_thousand(n: int) -> str:
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return _UNITS[n - 10] + " belas"
    if n < 100:
        return (_UNITS[n // 10] + " puluh " + _UNITS[n % 10]).strip()
    hundreds = "seratus" if n // 100 == 1 else _UNITS[n // 100] + " ratus"
    return (hundreds + " " + _below_thousand(n % 100)).strip()


def terbilang(amount: int) -> str:
    """The amount in Indonesian words, as receipts print it: ``150000`` → ``seratus lima puluh ribu rupiah``."""
    if amount == 0:
        return "nol rupiah"
    words: list[str] = []
    rest = abs(amount)
    for value, name in _SCALES:
        if rest >= value:
            words.append(_below_thousand_or_more(rest // value) + " " + name)
            rest %= value
    if rest >= 1000:
        thousands = rest // 1000
        words.append("seribu" if thousands == 1 else _below_thousand(thousands) + " ribu")
        rest %= 1000
    if rest:
        words.append(_below_thousand(rest))
    return ("minus " if amount < 0 else "") + " ".join(words) + " rupiah"


def _below_thousand_or_more(n: int) -> str:
    return terbilang(n).removesuffix(" rupiah") if n >= 1000 else _below_thousand(n)


@dataclass(frozen=True)
class PaymentReceiptContent:
    letterhead: Letterhead
    number: str
    payment_code: str
    description: str
    payer_name: str
    agency_name: str
    revenue_code: str
    reference: str
    items: Sequence[tuple[str, int]]
    base_amount: int
    discount: int
    penalty: int
    paid_amount: int
    channel: str
    provider: str
    transaction_id: str
    paid_text: str
    place_date: str
    verification_url: str


def render_payment_receipt(content: PaymentReceiptContent) -> bytes:
    """The unsigned PDF of a payment receipt (A4)."""
    story: list = letterhead_flowables(content.letterhead)
    story.append(Paragraph("<u>BUKTI PEMBAYARAN</u>", STYLES["title"]))
    story.append(Paragraph(markup("Nomor: " + content.number), STYLES["reference"]))
    rows = [
        ("Kode bayar", content.payment_code),
        ("Uraian", content.description),
        ("Pembayar", content.payer_name),
        ("Instansi", content.agency_name),
        ("Kode pendapatan", content.revenue_code),
    ]
    if content.reference:
        rows.append(("Referensi", content.reference))
    story.extend(label_rows(rows))
    if len(content.items) > 1:
        story.append(Paragraph("<b>Rincian tagihan</b>", STYLES["cell"]))
        story.extend(label_rows([(description, rupiah(amount)) for description, amount in content.items]))
    amounts = [("Jumlah tagihan", rupiah(content.base_amount))]
    if content.discount:
        amounts.append(("Potongan bayar daring", rupiah(-content.discount)))
    if content.penalty:
        amounts.append(("Denda keterlambatan", rupiah(content.penalty)))
    amounts += [
        ("Jumlah dibayar", rupiah(content.paid_amount)),
        ("Terbilang", terbilang(content.paid_amount).capitalize()),
        ("Saluran pembayaran", content.channel),
        ("Penyedia", content.provider),
        ("Nomor transaksi", content.transaction_id),
        ("Waktu pembayaran", content.paid_text),
    ]
    story.extend(label_rows(amounts))
    story.append(Paragraph(markup(NOTE), STYLES["body"]))
    story.append(Paragraph(markup(content.place_date), STYLES["signature"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            [verification_block(url=content.verification_url, agency=content.agency_name, width=CONTENT_WIDTH)]
        )
    )

    def footer(page: int) -> str:
        return f"{DOCUMENT_TYPE} {content.number} · Kode bayar {content.payment_code} · Halaman {page}"

    return build_pdf(
        story,
        title=f"{DOCUMENT_TYPE} {content.number}",
        author=content.agency_name,
        subject=DOCUMENT_TYPE,
        footer=footer,
    )
