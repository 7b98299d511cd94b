"""Uploads: the type is decided by the content, the size by the requirement; empty and password-protected
files are refused; accepted files are stored under unguessable names with their SHA-256."""

import hashlib
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from balai.core.exceptions import ValidationFailed
from balai.services.formdefs import check_upload, clean_original_name, detect_type, store_upload

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Size 2 /Root 1 0 R >>\n%%EOF\n"
ENCRYPTED_PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << /Size 5 /Root 1 0 R /Encrypt 4 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
DWG = b"AC1032\x00\x00\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"

REQUIREMENT = {
    "code": "kk",
    "name": "Kartu Keluarga",
    "name_en": "Family card",
    "file": ["pdf", "jpg", "png"],
    "max_mb": 5,
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(content, name="dokumen.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refusal(requirement, uploaded):
    with pytest.raises(ValidationFailed) as excinfo:
        check_upload(requirement, uploaded)
    messages = excinfo.value.fields[requirement["code"]]
    assert all("Family card" in m for m in messages)  # named in the reader's language
    return " ".join(messages)


@pytest.mark.parametrize(
    ("content", "name", "file_types", "expected"),
    [
        (PDF, "kk.pdf", ["pdf"], "application/pdf"),
        (JPEG, "kk.jpg", ["jpg"], "image/jpeg"),
        (JPEG, "kk.JPEG", ["jpg"], "image/jpeg"),
        (PNG, "kk.png", ["png"], "image/png"),
        (WEBP, "kk.webp", ["webp"], "image/webp"),
        (DWG, "denah.dwg", ["pdf", "dwg"], "image/vnd.dwg"),
        (PNG, "foto.jpg", ["jpg", "png"], "image/png"),
    ],
)
def test_files_of_an_accepted_type_pass_and_report_their_detected_type(content, name, file_types, expected):
    assert check_upload({**REQUIREMENT, "file": file_types}, upload(content, name)) == expected


@pytest.mark.parametrize("content", [EXE, HTML, JPEG, b"just some text", b"PK\x03\x04zipfile"])
def test_a_file_of_another_type_renamed_to_pdf_is_refused(content):
    message = refusal({**REQUIREMENT, "file": ["pdf"]}, upload(content, "kk.pdf"))
    assert "content is not PDF" in message


def test_a_real_pdf_with_a_name_of_a_type_not_allowed_is_refused():
    assert "must be a file of type PDF, JPG, PNG" in refusal(REQUIREMENT, upload(PDF, "kk.exe"))
    assert "must be a file of type" in refusal(REQUIREMENT, upload(PDF, "kk"))
    assert "must be a file of type" in refusal({**REQUIREMENT, "file": ["jpg"]}, upload(PDF, "kk.pdf"))


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    class Huge(io.BytesIO):
        name = "kk.pdf"
        size = 5 * 1024 * 1024 + 1

        def read(self, *args):
            raise AssertionError("the size check must come before reading")

    message = refusal(REQUIREMENT, Huge())
    assert "too large: the limit is 5 MB and the file has 5 MB" in message


def test_a_file_at_the_limit_is_accepted():
    content = PDF + b"\n" * (2 * 1024 * 1024 - len(PDF))
    assert check_upload({**REQUIREMENT, "max_mb": 2}, upload(content)) == "application/pdf"
    assert "too large" in refusal({**REQUIREMENT, "max_mb": 2}, upload(content + b"\n"))


def test_an_empty_file_is_refused():
    assert "the file is empty" in refusal(REQUIREMENT, upload(b"", "kk.pdf"))


def test_a_password_protected_pdf_is_refused():
    assert "protected with a password" in refusal(REQUIREMENT, upload(ENCRYPTED_PDF))


def test_an_encrypt_key_across_a_chunk_boundary_is_found(settings):
    settings.FILE_UPLOAD_TEMP_DIR = None
    body = b"%PDF-1.7\n" + b"0" * (1024 * 1024 - 12) + b"trailer << /Encrypt 9 0 R >>\n%%EOF"
    uploaded = TemporaryUploadedFile("kk.pdf", "application/pdf", len(body), None)
    uploaded.write(body)
    uploaded.seek(0)
    assert "protected with a password" in refusal({**REQUIREMENT, "max_mb": 2}, uploaded)


def test_the_word_encrypt_in_page_text_is_not_encryption():
    assert (
        check_upload(REQUIREMENT, upload(PDF.replace(b"%%EOF", b"(about /Encrypt keys) Tj\n%%EOF")))
        == "application/pdf"
    )


def test_a_requirement_shown_at_the_counter_takes_no_upload():
    requirement = {"code": "kk", "name": "Kartu Keluarga", "name_en": "Family card", "original_at_counter": True}
    assert "bring it to the counter" in refusal(requirement, upload(PDF))


def test_nothing_uploaded_is_refused():
    assert "choose a file" in refusal(REQUIREMENT, None)


def test_detect_type_needs_the_full_signature():
    assert detect_type(b"\x89PNG\r\n") is None
    assert detect_type(b"RIFF\x00\x00\x00\x00WAVE") is None
    assert detect_type(b"AC10") is None
    assert detect_type(b"%PDF-1.4") == "application/pdf"


# --- storing ---


def test_store_upload_uses_an_unguessable_name_with_the_detected_extension(media):
    content = PNG
    stored = store_upload(upload(content, "../../etc/passwd.jpg"), folder="drafts/12")
    assert re.fullmatch(r"drafts/12/[A-Za-z0-9_-]{32}\.png", stored)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.content_type == "image/png"
    with default_storage.open(stored) as handle:
        assert handle.read() == content
    assert (media / stored).is_file()


def test_two_uploads_of_the_same_file_get_different_names(media):
    first = store_upload(upload(PDF), folder="cases/AKTA-LAHIR-2026-000001")
    second = store_upload(upload(PDF), folder="cases/AKTA-LAHIR-2026-000001")
    assert first != second
    assert first.sha256 == second.sha256


def test_the_sha256_of_a_large_file_read_in_chunks(media):
    content = PDF + bytes(range(256)) * 20_000
    uploaded = upload(content)
    stored = store_upload(uploaded, folder="cases/x")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)


@pytest.mark.parametrize("folder", ["../etc", "/abs", "cases/../../x", "a b", ""])
def test_store_upload_refuses_an_unsafe_folder(media, folder):
    with pytest.raises(ValueError):
        store_upload(upload(PDF), folder=folder)


def test_store_upload_refuses_content_of_no_accepted_type(media):
    with pytest.raises(ValidationFailed):
        store_upload(upload(EXE, "x.pdf"), folder="cases/x")
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\budi\\KTP saya.pdf", "KTP saya.pdf"),
        ("kk\x00.pdf", "kk.pdf"),
        ('<script>"x".pdf', "scriptx.pdf"),
        ("", "dokumen"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_clean_original_name(name, expected):
    assert clean_original_name(name) == expected


def test_a_plain_file_object_without_a_size_attribute_is_measured():
    handle = io.BytesIO(PDF)
    handle.name = "kk.pdf"
    assert check_upload(REQUIREMENT, handle) == "application/pdf"


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=256), st.sampled_from(["x.pdf", "x.jpg", "x.png", "x.exe", "x"]))
def test_any_bytes_are_accepted_only_when_their_content_is_an_allowed_type(content, name):
    with translation.override("en"):
        try:
            detected = check_upload(REQUIREMENT, upload(content, name))
        except ValidationFailed as exc:
            assert exc.fields["kk"]
            return
    assert detected == detect_type(content[:16])
    assert detected in {"application/pdf", "image/jpeg", "image/png"}
    assert name.rsplit(".", 1)[-1] in {"pdf", "jpg", "png"}


def test_messages_name_the_requirement_in_indonesian_by_default():
    with translation.override("id"), pytest.raises(ValidationFailed) as excinfo:
        check_upload(REQUIREMENT, upload(b"", "kk.pdf"))
    assert excinfo.value.fields["kk"] == ["Kartu Keluarga: berkas kosong."]
