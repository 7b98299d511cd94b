"""What every Balai PDF shares: A4 pages, the standard fonts, the letterhead (kop surat), the QR code block,
the page footer and safe text.

The wording printed on documents is Indonesian on purpose and does not follow the active language: an official
document of an Indonesian regional government is issued in Bahasa Indonesia whoever presses the button (the
template bodies are Indonesian data for the same reason).

Text goes into reportlab ``Paragraph`` markup only through ``markup()``, which escapes ``<``, ``>`` and ``&``, so
nothing a citizen or an administrator typed can become markup. The built-in Helvetica fonts (not embedded,
small files, fast) print the Windows-1252 repertoire; other letters are written without their accents (``ā`` →
``a``) and characters with no such form as ``?``.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, HRFlowable, Image, PageTemplate, Paragraph, Table
from reportlab.platypus import TableStyle as _TableStyle
from reportlab.platypus.doctemplate import LayoutError

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LOGO_HEIGHT = 22 * mm
QR_SIZE = 30 * mm
CREATOR = "Balai"
QR_MASK = 4

VERIFY_SENTENCE = (
    "Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik {agency}, sehingga tidak "
    "memerlukan tanda tangan basah dan cap. Keaslian dan status dokumen dapat diperiksa dengan memindai kode QR "
    "atau membuka alamat di atas."
)


class RenderError(Exception):
    """The content cannot be laid out on A4 pages (e.g. one table cell longer than a page)."""


def to_pdf_text(value: Any) -> str:
    """``value`` as text the standard fonts can print (see the module docstring)."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    out: list[str] = []
    for char in text:
        if char in "\t\n":
            out.append(" " if char == "\t" else char)
            continue
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                plain.encode("cp1252")
                out.append(plain or "?")
            except UnicodeEncodeError:
                out.append("?")
        else:
            if unicodedata.category(char)[0] != "C":
                out.append(char)
    return "".join(out)


def markup(value: Any) -> str:
    """Escaped paragraph markup of a plain text value; line breaks are kept."""
    return "<br/>".join(escape(line) for line in to_pdf_text(value).split("\n"))


def style(name: str, **kwargs: Any) -> ParagraphStyle:
    base = {"fontName": FONT, "fontSize": 10.5, "leading": 14.5, "alignment": TA_LEFT}
    base.update(kwargs)
    return ParagraphStyle(name, **base)


STYLES = {
    "government": style("government", fontName=FONT_BOLD, fontSize=12.5, leading=15, alignment=TA_CENTER),
    "agency": style("agency", fontName=FONT_BOLD, fontSize=14, leading=17, alignment=TA_CENTER),
    "letterhead": style("letterhead", fontSize=8.5, leading=10.5, alignment=TA_CENTER),
    "title": style("title", fontName=FONT_BOLD, fontSize=13, leading=16, alignment=TA_CENTER, spaceBefore=4),
    "reference": style("reference", fontSize=10.5, leading=14, alignment=TA_CENTER, spaceAfter=10),
    "body": style("body", alignment=TA_JUSTIFY, spaceAfter=7),
    "cell": style("cell", leading=13.5),
    "small": style("small", fontSize=7.8, leading=9.8),
    "url": style("url", fontSize=9, leading=11.5),
    "signature": style("signature", alignment=TA_LEFT, leading=14),
    "footer": style("footer", fontSize=7, leading=8.5, textColor=colors.HexColor("#555555")),
}


@dataclass(frozen=True)
class Letterhead:
    """The kop surat: the government's line (``PEMERINTAH KABUPATEN CONTOH``), the agency's name, further lines
    (address, telephone, website) and an optional logo (PNG or JPEG bytes, checked when the template was saved)."""

    name: str
    lines: tuple[str, ...] = ()
    government: str = ""
    logo: bytes | None = None


def letterhead_flowables(letterhead: Letterhead) -> list[Flowable]:
    text: list[Flowable] = []
    if letterhead.government:
        text.append(Paragraph(markup(letterhead.government.upper()), STYLES["government"]))
    text.append(Paragraph(markup(letterhead.name.upper()), STYLES["agency"]))
    for line in letterhead.lines:
        if line.strip():
            text.append(Paragraph(markup(line), STYLES["letterhead"]))
    if letterhead.logo:
        logo = _logo(letterhead.logo)
        side = LOGO_HEIGHT + 4 * mm
        table = Table([[logo, text, ""]], colWidths=[side, CONTENT_WIDTH - 2 * side, side])
        table.setStyle(
            _TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        head: list[Flowable] = [table]
    else:
        head = text
    return [
        *head,
        HRFlowable(width="100%", thickness=2.2, color=colors.black, spaceBefore=5, spaceAfter=1.2),
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=0, spaceAfter=10),
    ]


def _logo(data: bytes) -> Image:
    image = Image(io.BytesIO(data))
    ratio = image.imageWidth / float(image.imageHeight or 1)
    height = LOGO_HEIGHT
    width = min(height * ratio, LOGO_HEIGHT * 1.6)
    image.drawHeight = width / ratio
    image.drawWidth = width
    return image


class QrCode(Flowable):
    """The QR code of ``value`` drawn as vector squares (no image), error correction level M.

    The matrix comes from ``qrcode`` (about 5 ms; reportlab's own QR widget takes 30 ms for the same URL); each
    row's dark runs become one rectangle, so the content stream stays small."""

    def __init__(self, value: str, size: float = QR_SIZE) -> None:
        super().__init__()
        # A fixed mask: choosing the "best" of eight takes 60 % of the time and every mask decodes alike.
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
        code.add_data(value)
        code.make(fit=True)
        self.matrix: list[list[bool]] = code.get_matrix()
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        modules = len(self.matrix)
        unit = self.size / modules
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + 1) * unit
            column = 0
            while column < modules:
                if row[column]:
                    start = column
                    while column < modules and row[column]:
                        column += 1
                    path.rect(start * unit, y, (column - start) * unit, unit)
                else:
                    column += 1
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


def verification_block(*, url: str, agency: str, width: float) -> Table:
    """The QR code with the verification address printed beside it and the sentence on how to check."""
    text = [
        Paragraph("<b>Verifikasi keaslian dokumen</b>", STYLES["small"]),
        Paragraph(markup(url), STYLES["url"]),
        Paragraph(markup(VERIFY_SENTENCE.format(agency=agency)), STYLES["small"]),
    ]
    table = Table([[QrCode(url), text]], colWidths=[QR_SIZE + 3 * mm, width - QR_SIZE - 3 * mm])
    table.setStyle(
        _TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def label_rows(rows: Sequence[tuple[str, str]], *, label_width: float = 52 * mm) -> list[Flowable]:
    """``label : value`` rows. A value too long for one table cell on a page is set as its own paragraph."""
    flowables: list[Flowable] = []
    batch: list[list[Any]] = []

    def flush() -> None:
        if batch:
            table = Table(list(batch), colWidths=[label_width, 4 * mm, CONTENT_WIDTH - label_width - 4 * mm])
            table.setStyle(
                _TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (-1, -1), 1),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ]
                )
            )
            table.spaceAfter = 7
            flowables.append(table)
            batch.clear()

    for label, value in rows:
        if len(value) > 800:
            flush()
            flowables.append(Paragraph(markup(label) + " :", STYLES["cell"]))
            flowables.append(Paragraph(markup(value), style("long", leftIndent=label_width + 4 * mm, spaceAfter=7)))
            continue
        batch.append(
            [
                Paragraph(markup(label), STYLES["cell"]),
                Paragraph(":", STYLES["cell"]),
                Paragraph(markup(value), STYLES["cell"]),
            ]
        )
    flush()
    return flowables


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    footer: Callable[[int], str],
) -> bytes:
    """Lay ``story`` out on A4 pages with ``footer(page_number)`` at the bottom of each page."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=to_pdf_text(title),
        author=to_pdf_text(author),
        subject=to_pdf_text(subject),
        creator=CREATOR,
        producer=CREATOR,
        lang="id-ID",
        displayDocTitle=True,
    )

    def draw_footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM - 9 * mm, to_pdf_text(footer(doc.page)))
        canvas.restoreState()

    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="content",
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=draw_footer)])
    try:
        document.build(story)
    except LayoutError as exc:
        raise RenderError(str(exc)) from exc
    return buffer.getvalue()
