"""The built-in layout of a receipt of an application (tanda terima): what the counter's printed receipt shows
(registration number, verification code, service, applicant, agency, submission time, expected decision date)
plus the documents received, with the QR code of its verification page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from balai.documents.templating import Block, TableBlock

from .common import (
    CONTENT_WIDTH,
    STYLES,
    Letterhead,
    build_pdf,
    label_rows,
    letterhead_flowables,
    markup,
    verification_block,
)

TRACKING_NOTE = (
    "Pantau permohonan Anda di {track_url} dengan nomor registrasi dan kode verifikasi di atas. Jaga kerahasiaan "
    "kode verifikasi: siapa pun yang mengetahuinya dapat melihat status permohonan."
)


@dataclass(frozen=True)
class ReceiptContent:
    letterhead: Letterhead
    title: str
    reference: str
    case_number: str
    verification_code: str
    service_name: str
    applicant_name: str
    agency_name: str
    submitted_text: str
    due_text: str
    attachments: Sequence[str]
    blocks: Sequence[Block]
    place_date: str
    verification_url: str
    track_url: str
    document_type: str = "Tanda Terima Permohonan"


def render_receipt(content: ReceiptContent) -> bytes:
    """The unsigned PDF of a receipt (A4)."""
    story: list = letterhead_flowables(content.letterhead)
    story.append(Paragraph("<u>%s</u>" % markup(content.title.upper()), STYLES["title"]))  # noqa: UP031
    story.append(Paragraph(markup("Nomor: " + content.reference), STYLES["reference"]))
    story.extend(
        label_rows(
            [
                ("Nomor registrasi", content.case_number),
                ("Kode verifikasi", content.verification_code),
                ("Layanan", content.service_name),
                ("Pemohon", content.applicant_name),
                ("Instansi", content.agency_name),
                ("Diajukan", content.submitted_text),
                ("Perkiraan keputusan", content.due_text),
            ]
        )
    )
    story.append(Paragraph("<b>Dokumen yang diterima</b>", STYLES["cell"]))
    if content.attachments:
        for number, name in enumerate(content.attachments, start=1):
            story.append(Paragraph(markup(f"{number}. {name}"), STYLES["cell"]))
    else:
        story.append(Paragraph("-", STYLES["cell"]))
    story.append(Spacer(1, 4 * mm))
    for block in content.blocks:
        if isinstance(block, TableBlock):
            story.extend(label_rows(block.rows))
        else:
            story.append(Paragraph(markup("\n".join(block.lines)), STYLES["body"]))
    story.append(Paragraph(markup(TRACKING_NOTE.format(track_url=content.track_url)), STYLES["body"]))
    story.append(Paragraph(markup(content.place_date), STYLES["signature"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            [verification_block(url=content.verification_url, agency=content.agency_name, width=CONTENT_WIDTH)]
        )
    )

    def footer(page: int) -> str:
        return f"{content.document_type} {content.reference} · Registrasi {content.case_number} · Halaman {page}"

    return build_pdf(
        story,
        title=f"{content.document_type} {content.reference}",
        author=content.agency_name,
        subject=content.document_type,
        footer=footer,
    )
