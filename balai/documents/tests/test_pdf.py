"""The PDF layouts: what is printed (letterhead, number, body, signer, case number, QR address and its sentence),
literal printing of markup in data, logos checked by content, and the document's metadata."""

from __future__ import annotations

import io

import pytest
import qrcode
from django.utils import translation
from PIL import Image

from balai.core.exceptions import ValidationFailed
from balai.documents.pdf import (
    DocumentContent,
    Letterhead,
    ReceiptContent,
    RenderError,
    check_logo,
    render_document,
    render_receipt,
    to_pdf_text,
)
from balai.documents.pdf.common import QR_MASK, QrCode
from balai.documents.templating import TableBlock, TextBlock
from balai.documents.tests.factories import pdf_text


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English message texts (the Indonesian catalogue is checked by check_translations)."""
    with translation.override("en"):
        yield


URL = "https://layanan.contoh.go.id/verifikasi/abcdefghijkmnpqrstuv/"


def png(width: int = 120, height: int = 150) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 80), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def content(**overrides) -> DocumentContent:
    values = {
        "letterhead": Letterhead(
            name="Dinas Kependudukan dan Pencatatan Sipil",
            lines=("Jl. Merdeka No. 1, Kota Lama",),
            government="Pemerintah Kabupaten Contoh",
        ),
        "document_type": "Akta Kelahiran",
        "title": "Kutipan Akta Kelahiran",
        "reference": "DISDUKCAPIL/AKTA-LAHIR/0007/XI/2026",
        "blocks": [TextBlock(("Menerangkan bahwa:",)), TableBlock((("Nama", "Putri Lestari"),))],
        "case_number": "AKTA-LAHIR-2026-000123",
        "place": "Kota Lama",
        "date_text": "23 November 2026",
        "signer_position": "Kepala Dinas",
        "signer_name": "Drs. Bambang Sutrisno",
        "signer_nip": "197001011990031001",
        "verification_url": URL,
        "agency_name": "Dinas Kependudukan dan Pencatatan Sipil",
    }
    values.update(overrides)
    return DocumentContent(**values)


def test_the_document_prints_everything_it_must():
    data = render_document(content())
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in (
        "PEMERINTAH KABUPATEN CONTOH",
        "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "KUTIPAN AKTA KELAHIRAN",
        "Nomor: DISDUKCAPIL/AKTA-LAHIR/0007/XI/2026",
        "Putri Lestari",
        "Kota Lama, 23 November 2026",
        "Drs. Bambang Sutrisno",
        "NIP. 197001011990031001",
        "AKTA-LAHIR-2026-000123",
        URL,
        "Dokumen ini ditandatangani secara elektronik",
    ):
        assert expected in text, expected


def test_metadata_names_the_document_and_the_agency():
    data = render_document(content())
    assert b"/Title (Akta Kelahiran DISDUKCAPIL/AKTA-LAHIR/0007/XI/2026)" in data
    assert b"/Author (Dinas Kependudukan dan Pencatatan Sipil)" in data
    assert b"/Subject (Akta Kelahiran)" in data
    assert b"/Lang (id-ID)" in data


def test_markup_in_data_is_printed_literally():
    hostile = '<b>Budi</b> & <font color="red">x</font> <a href="javascript:alert(1)">y</a>'
    data = render_document(content(blocks=[TableBlock((("Nama", hostile),)), TextBlock((hostile,))]))
    text = pdf_text(data)
    assert text.count("<b>Budi</b> & <font") == 2
    assert b"/URI" not in data and b"/Annot" not in data  # no link was made from the data: only text


def test_the_qr_code_encodes_the_verification_address():
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    expected.add_data(URL)
    expected.make(fit=True)
    assert QrCode(URL).matrix == expected.get_matrix()


def test_a_logo_is_drawn_in_the_letterhead():
    without = render_document(content())
    with_logo = render_document(content(letterhead=Letterhead(name="Dinas Uji", logo=png())))
    assert b"/Subtype /Image" in with_logo and b"/Subtype /Image" not in without


def test_long_bodies_flow_over_pages_and_very_long_values_too():
    long_value = "kata " * 3000
    data = render_document(content(blocks=[TableBlock((("Keterangan", long_value),))] + [TextBlock(("x " * 400,))] * 5))
    text = pdf_text(data)
    assert "Halaman 2" in text and text.count("kata kata") > 100


def test_characters_outside_the_font_are_written_plainly():
    assert to_pdf_text("Ngūyễn Ā 中") == "Nguyen A ?"
    assert to_pdf_text("Café — “x”") == "Café — “x”"
    assert to_pdf_text("a\x00b\tc") == "ab c"


def test_receipt_prints_the_application_facts():
    receipt = ReceiptContent(
        letterhead=Letterhead(name="Dinas Uji"),
        title="Tanda Terima Permohonan",
        reference="OPD1/TT/00001/XI/2026",
        case_number="UJI-2026-000001",
        verification_code="ABCD234567",
        service_name="Layanan Uji",
        applicant_name="Siti Rahmawati",
        agency_name="Dinas Uji",
        submitted_text="23/11/2026 09:15",
        due_text="26 November 2026",
        attachments=["Kartu Keluarga (kk.pdf)"],
        blocks=[TextBlock(("Permohonan telah diterima.",))],
        place_date="Kota Lama, 23 November 2026",
        verification_url=URL,
        track_url="https://layanan.contoh.go.id/lacak/",
    )
    text = pdf_text(render_receipt(receipt))
    for expected in (
        "TANDA TERIMA PERMOHONAN",
        "UJI-2026-000001",
        "ABCD234567",
        "Layanan Uji",
        "Siti Rahmawati",
        "26 November 2026",
        "1. Kartu Keluarga (kk.pdf)",
        URL,
    ):
        assert expected in text, expected


def test_render_error_is_a_clear_exception():
    assert issubclass(RenderError, Exception)


class TestLogo:
    def test_png_and_jpeg_are_accepted(self):
        assert check_logo(png()) == "image/png"
        assert check_logo(jpeg()) == "image/jpeg"

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            (b"", "empty"),
            (b"GIF89a" + b"\0" * 100, "PNG or JPEG"),
            (b"%PDF-1.7\n", "PNG or JPEG"),
            (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "PNG or JPEG"),
            (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "damaged"),
            (b"\xff\xd8\xff" + b"\0" * 2_000_000, "too large"),
        ],
    )
    def test_other_content_is_refused_on_the_logo_field(self, data, fragment):
        with pytest.raises(ValidationFailed) as caught:
            check_logo(data)
        assert fragment in caught.value.fields["logo"][0]

    def test_huge_images_are_refused(self):
        with pytest.raises(ValidationFailed) as caught:
            check_logo(png(4000, 10))
        assert "pixels" in caught.value.fields["logo"][0]
