"""The layout of a service's result document: letterhead, title and reference number, the filled body, then the
place and date with the signing official beside the QR code that leads to the verification page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus import TableStyle as _TableStyle

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

ELECTRONIC_SIGNATURE_NOTE = "Ditandatangani secara elektronik"


@dataclass(frozen=True)
class DocumentContent:
    letterhead: Letterhead
    document_type: str
    title: str
    reference: str
    blocks: Sequence[Block]
    case_number: str
    place: str
    date_text: str
    signer_position: str
    signer_name: str
    signer_nip: str
    verification_url: str
    agency_name: str


def _body(blocks: Sequence[Block]) -> list:
    flowables: list = []
    for block in blocks:
        if isinstance(block, TableBlock):
            flowables.extend(label_rows(block.rows))
        else:
            flowables.append(Paragraph(markup("\n".join(block.lines)), STYLES["body"]))
    return flowables


def _signature(content: DocumentContent) -> list:
    lines = []
    place_date = ", ".join(part for part in (content.place, content.date_text) if part)
    lines.append(Paragraph(markup(place_date), STYLES["signature"]))
    if content.signer_position:
        lines.append(Paragraph("<b>%s</b>" % markup(content.signer_position), STYLES["signature"]))  # noqa: UP031
    lines.append(Spacer(1, 3 * mm))
    lines.append(Paragraph("<i>%s</i>" % markup(ELECTRONIC_SIGNATURE_NOTE), STYLES["small"]))  # noqa: UP031
    lines.append(Spacer(1, 3 * mm))
    if content.signer_name:
        lines.append(Paragraph("<b><u>%s</u></b>" % markup(content.signer_name), STYLES["signature"]))  # noqa: UP031
    if content.signer_nip:
        lines.append(Paragraph(markup("NIP. " + content.signer_nip), STYLES["signature"]))
    return lines


def render_document(content: DocumentContent) -> bytes:
    """The unsigned PDF of a result document (A4)."""
    story: list = letterhead_flowables(content.letterhead)
    story.append(Paragraph("<u>%s</u>" % markup(content.title.upper()), STYLES["title"]))  # noqa: UP031
    story.append(Paragraph(markup("Nomor: " + content.reference), STYLES["reference"]))
    story.extend(_body(content.blocks))
    story.append(Spacer(1, 4 * mm))
    signature_width = 78 * mm
    closing = Table([["", _signature(content)]], colWidths=[CONTENT_WIDTH - signature_width, signature_width])
    closing.setStyle(
        _TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    verification = verification_block(url=content.verification_url, agency=content.agency_name, width=CONTENT_WIDTH)
    story.append(KeepTogether([closing, Spacer(1, 6 * mm), verification]))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(markup("Nomor registrasi permohonan: " + content.case_number), STYLES["small"]))

    def footer(page: int) -> str:
        return f"{content.document_type} {content.reference} · Registrasi {content.case_number} · Halaman {page}"

    return build_pdf(
        story,
        title=f"{content.document_type} {content.reference}",
        author=content.agency_name,
        subject=content.document_type,
        footer=footer,
    )
