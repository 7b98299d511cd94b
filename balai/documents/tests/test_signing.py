"""Signing and checking signatures: what a bank or school that uploads a document is told."""

from __future__ import annotations

import datetime
import io
import random
import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes
from django.utils import timezone, translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from balai.documents.models import SigningProvider
from balai.documents.signing import (
    SIGNATURE_FIELD_NAME,
    SigningError,
    pades,
    pki,
    register,
    sign_pdf,
    signer_for,
    trust_roots,
    validate_pdf,
)
from balai.documents.tests.conftest import make_pdf
from balai.organizations.tests.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English message texts (the Indonesian catalogue is checked by check_translations)."""
    with translation.override("en"):
        yield


PDFSIG = "/usr/bin/pdfsig"


def _flip_inside_signed_content(data: bytes) -> bytes:
    """Change one byte of the page content (inside the first signed byte range, outside any structure)."""
    start = data.index(b"stream\n") + len(b"stream\n") + 5
    altered = bytearray(data)
    altered[start] ^= 0x01
    return bytes(altered)


def _append_incremental_update(data: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root["/BalaiTampered"] = generic.pdf_string("ditambahkan setelah ditandatangani")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _sign_with_old_certificate(pdf: bytes, root_key, root_certificate) -> bytes:
    """Signed with a certificate issued four years ago (expired a year ago), as an old document would be."""
    key, certificate = pki.make_agency_certificate(
        root_key,
        root_certificate,
        common_name="Dinas Lama",
        organization_name="Kabupaten Uji",
        now=timezone.now() - datetime.timedelta(days=4 * 365),
    )
    signer = pades.PreloadedKeySigner(pades.KeyMaterial(key, certificate, (root_certificate,)))
    return pades.sign_with_signer(pdf, signer)


@pytest.mark.django_db
class TestSignAndValidate:
    def test_signed_document_validates_as_trusted_intact_and_whole(self, signing_org, sample_pdf, demo_pki):
        signed = sign_pdf(sample_pdf, organization=signing_org, reason="Dokumen resmi", location="Kota Lama")

        assert signed.provider == SigningProvider.DEMO
        assert signed.data.startswith(sample_pdf)  # an incremental update: the rendered PDF is untouched
        assert signed.certificate_sha256 == demo_pki.agency_certificate.fingerprint(hashes.SHA256()).hex()
        assert signed.signer_subject == "CN=Dinas Uji Tanda Tangan,O=Kabupaten Uji,C=ID"
        report = validate_pdf(signed.data)
        assert report.ok, report.problems
        assert (report.is_pdf, report.signed, report.intact, report.covers_whole_file, report.trusted) == (
            True,
            True,
            True,
            True,
            True,
        )
        assert report.problems == [] and report.codes == []
        assert report.certificate_sha256 == signed.certificate_sha256
        assert report.signer_subject == signed.signer_subject
        assert report.signed_at is not None
        assert report.signature_count == 1
        assert len(report.sha256) == 64

    def test_signature_is_pades_sha256_with_the_chain_embedded(self, signing_org, sample_pdf, demo_pki):
        signed = sign_pdf(sample_pdf, organization=signing_org, reason="Dokumen resmi", location="Kota Lama")

        reader = PdfFileReader(io.BytesIO(signed.data), strict=False)
        (embedded,) = reader.embedded_signatures
        assert embedded.field_name == SIGNATURE_FIELD_NAME
        assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert embedded.sig_object["/Reason"] == "Dokumen resmi"
        assert embedded.sig_object["/Location"] == "Kota Lama"
        assert embedded.md_algorithm == "sha256"
        assert embedded.signer_cert.sha256 == demo_pki.agency_certificate.fingerprint(hashes.SHA256())
        embedded_certs = {c.sha256 for c in embedded.other_embedded_certs}
        assert demo_pki.root_certificate.fingerprint(hashes.SHA256()) in embedded_certs

    def test_one_flipped_byte_in_the_signed_content_is_reported_as_altered(self, signing_org, sample_pdf):
        signed = sign_pdf(sample_pdf, organization=signing_org)

        report = validate_pdf(_flip_inside_signed_content(signed.data))

        assert report.is_pdf and report.signed
        assert report.intact is False
        assert report.trusted is False
        assert report.ok is False
        assert "altered" in report.codes
        assert any("altered" in p for p in report.problems)

    def test_no_changed_byte_outside_the_signature_container_validates(self, signing_org, sample_pdf):
        # Every byte outside the hex string that holds the signature is covered by it. Inside that string CMS
        # has unsigned fields (its version, the set of certificates) that a change can leave verifying; such a
        # file differs from the issued one by its SHA-256, which the verification page compares as well. The
        # padding and the hex digits themselves are checked by the two tests below.
        signed = sign_pdf(sample_pdf, organization=signing_org).data
        gap_start = signed.index(b"/Contents <") + len(b"/Contents ")
        gap_end = signed.index(b">", gap_start) + 1
        covered = [*range(gap_start), *range(gap_end, len(signed))]
        rng = random.Random(4)
        for position in sorted(rng.sample(covered, 150)):
            for change in (0x01, 0x20, 0x80):
                altered = bytearray(signed)
                altered[position] ^= change
                report = validate_pdf(bytes(altered))
                assert report.ok is False, (position, change)
                assert report.problems, (position, change)

    def test_a_changed_letter_case_in_the_signature_hex_is_reported_as_altered(self, signing_org, sample_pdf):
        signed = sign_pdf(sample_pdf, organization=signing_org).data
        gap_start = signed.index(b"/Contents <") + len(b"/Contents <")
        letter = re.search(rb"[A-F]", signed[gap_start:]).start() + gap_start
        altered = bytearray(signed)
        altered[letter] = ord(chr(altered[letter]).lower())

        report = validate_pdf(bytes(altered))

        assert report.codes == ["altered"]

    def test_changed_padding_after_the_signature_is_reported_as_altered(self, signing_org, sample_pdf):
        signed = sign_pdf(sample_pdf, organization=signing_org).data
        padding = signed.index(b"0000>")
        altered = signed[:padding] + b"1" + signed[padding + 1 :]

        report = validate_pdf(altered)

        assert report.codes == ["altered"]

    def test_an_update_appended_after_signing_is_not_covered(self, signing_org, sample_pdf):
        signed = sign_pdf(sample_pdf, organization=signing_org)

        report = validate_pdf(_append_incremental_update(signed.data))

        assert report.signed and report.intact
        assert report.covers_whole_file is False
        assert report.ok is False
        assert report.codes == ["not_whole_file"]

    def test_an_unknown_root_gives_intact_but_untrusted(self, signing_org, sample_pdf, settings, tmp_path):
        signed = sign_pdf(sample_pdf, organization=signing_org)
        settings.BALAI_PKI_DIR = str(tmp_path)  # another installation: its own (different) demo root
        pki.ensure_demo_root(organization_name="Kabupaten Lain")

        report = validate_pdf(signed.data)

        assert report.signed and report.intact and report.covers_whole_file
        assert report.trusted is False
        assert report.codes == ["untrusted"]
        assert report.certificate_sha256 == signed.certificate_sha256  # still said, to match a profile

    def test_configured_trust_roots_are_trusted(self, signing_org, sample_pdf, settings, tmp_path, demo_pki):
        signed = sign_pdf(sample_pdf, organization=signing_org)
        root_copy = tmp_path / "roots.pem"
        root_copy.write_bytes(demo_pki.root_certificate_path.read_bytes())
        settings.BALAI_PKI_DIR = str(tmp_path / "none")
        settings.BALAI_SIGNING_TRUST_ROOTS = [str(root_copy)]

        assert [c.subject for c in trust_roots()] == [demo_pki.root_certificate.subject]
        assert validate_pdf(signed.data).trusted is True

    def test_the_demo_root_is_not_trusted_in_production_unless_listed(
        self, signing_org, sample_pdf, settings, demo_pki
    ):
        signed = sign_pdf(sample_pdf, organization=signing_org).data
        settings.BALAI_ENV = "production"

        assert trust_roots() == []
        assert validate_pdf(signed).codes == ["untrusted"]
        settings.BALAI_SIGNING_TRUST_ROOTS = [str(demo_pki.root_certificate_path)]
        assert validate_pdf(signed).ok

    def test_a_signature_whose_certificate_has_expired_since_says_so(self, sample_pdf, demo_pki):
        signed = _sign_with_old_certificate(sample_pdf, demo_pki.root_key, demo_pki.root_certificate)

        report = validate_pdf(signed)

        assert report.intact and report.covers_whole_file
        assert report.trusted is False
        assert report.certificate_expired is True
        assert report.codes == ["certificate_expired"]

    def test_an_expired_certificate_from_an_unknown_root_is_untrusted_not_expired(self, sample_pdf):
        stranger = pki.make_root("Kabupaten Palsu")
        signed = _sign_with_old_certificate(sample_pdf, *stranger)

        report = validate_pdf(signed)

        assert report.certificate_expired is False
        assert report.codes == ["untrusted"]

    def test_a_missing_configured_root_file_is_skipped(self, settings, tmp_path, demo_pki):
        settings.BALAI_SIGNING_TRUST_ROOTS = [str(tmp_path / "missing.pem")]

        assert [c.subject for c in trust_roots()] == [demo_pki.root_certificate.subject]

    def test_the_last_of_several_signatures_is_reported(self, signing_org, signing_profile_for, sample_pdf):
        second_agency = OrganizationFactory()
        signing_profile_for(second_agency)
        once = sign_pdf(sample_pdf, organization=signing_org).data
        twice = sign_pdf(once, organization=second_agency).data

        report = validate_pdf(twice)

        assert report.signature_count == 2
        assert report.ok, report.problems
        reader = PdfFileReader(io.BytesIO(twice), strict=False)
        assert [s.field_name for s in reader.embedded_signatures] == [
            SIGNATURE_FIELD_NAME,
            f"{SIGNATURE_FIELD_NAME}-2",
        ]


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (b"", "empty"),
            (b"hello, this is not a PDF", "not_pdf"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_pdf"),
            (b"%PDF-1.7\n" + b"garbage " * 100, "damaged"),
            (b"%PDF-1.4\n%%EOF", "damaged"),
            ("a string, not bytes", "not_pdf"),
            (None, "not_pdf"),
        ],
    )
    def test_garbage_gives_a_report_with_problems_not_an_exception(self, data, code):
        report = validate_pdf(data)

        assert report.ok is False
        assert report.signed is False
        assert report.codes == [code]
        assert len(report.problems) == 1 and report.problems[0]

    def test_an_unsigned_pdf_is_reported_as_unsigned(self, sample_pdf):
        report = validate_pdf(sample_pdf)

        assert report.is_pdf is True
        assert report.signed is False
        assert report.codes == ["unsigned"]

    def test_an_encrypted_pdf_is_reported_as_encrypted(self):
        report = validate_pdf(make_pdf(encrypt="rahasia"))

        assert report.is_pdf is True
        assert report.is_encrypted is True
        assert report.signed is False
        assert report.codes == ["encrypted"]

    def test_files_over_the_limit_are_refused_without_parsing(self, settings, sample_pdf):
        settings.BALAI_VERIFY_MAX_BYTES = len(sample_pdf) - 1

        report = validate_pdf(sample_pdf)

        assert report.codes == ["too_large"]
        assert report.is_pdf is False
        assert report.sha256 == ""

    def test_problems_are_sentences_in_the_active_language(self, sample_pdf):
        from django.utils import translation

        with translation.override("en"):
            assert validate_pdf(sample_pdf).problems == ["The file has no electronic signature."]


@pytest.mark.django_db
class TestRegistry:
    def test_every_provider_an_administrator_can_choose_is_registered(self):
        assert set(register) == set(SigningProvider.values)

    def test_an_agency_without_a_profile_cannot_sign(self, sample_pdf):
        agency = OrganizationFactory(name="Dinas Tanpa Kunci")

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_unavailable"
        assert caught.value.status == 503
        assert "Dinas Tanpa Kunci" in str(caught.value.message)

    def test_an_inactive_profile_is_not_used(self, signing_profile_for, sample_pdf):
        agency = OrganizationFactory()
        signing_profile_for(agency, is_active=False)

        with pytest.raises(SigningError):
            sign_pdf(sample_pdf, organization=agency)

    def test_a_unit_signs_with_the_profile_of_its_parent_agency(self, signing_org, sample_pdf):
        unit = OrganizationFactory(parent=signing_org)
        sub_unit = OrganizationFactory(parent=unit)

        assert signer_for(sub_unit).profile.organization == signing_org
        assert validate_pdf(sign_pdf(sample_pdf, organization=sub_unit).data).ok

    def test_a_unit_with_its_own_profile_uses_its_own(self, signing_org, signing_profile_for):
        unit = OrganizationFactory(parent=signing_org)
        own = signing_profile_for(unit)

        assert signer_for(unit).profile == own

    def test_a_unit_whose_own_profile_was_deactivated_does_not_fall_back_to_its_agency(
        self, signing_org, signing_profile_for
    ):
        unit = OrganizationFactory(parent=signing_org)
        signing_profile_for(unit, is_active=False)

        with pytest.raises(SigningError):
            signer_for(unit)

    def test_a_unit_whose_agency_has_no_profile_cannot_sign(self):
        unit = OrganizationFactory(parent=OrganizationFactory())

        with pytest.raises(SigningError):
            signer_for(unit)

    def test_only_pdf_documents_are_signed(self, signing_org):
        with pytest.raises(SigningError) as caught:
            sign_pdf(b"<html>not a pdf</html>", organization=signing_org)

        assert caught.value.code == "signing_invalid_document"

    def test_a_damaged_pdf_is_refused_with_a_signing_error(self, signing_org):
        with pytest.raises(SigningError) as caught:
            sign_pdf(b"%PDF-1.7\n" + b"garbage" * 50, organization=signing_org)

        assert caught.value.code == "signing_invalid_document"

    def test_an_encrypted_pdf_is_refused(self, signing_org):
        with pytest.raises(SigningError) as caught:
            sign_pdf(make_pdf(encrypt="rahasia"), organization=signing_org)

        assert caught.value.code == "signing_invalid_document"

    def test_missing_demo_key_files_say_what_to_run(self, signing_profile_for, sample_pdf):
        agency = OrganizationFactory()
        signing_profile_for(agency, config={"key_file": "agencies/NOPE.key.pem", "certificate_file": "x.pem"})

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "documents_pki" in str(caught.value.message)

    def test_demo_key_paths_outside_the_pki_folder_are_refused(self, signing_profile_for, sample_pdf):
        agency = OrganizationFactory()
        signing_profile_for(agency, config={"key_file": "../../etc/passwd", "certificate_file": "/etc/hosts"})

        with pytest.raises(SigningError):
            sign_pdf(sample_pdf, organization=agency)
        assert set(register["demo"].config_errors({"key_file": "../x", "certificate_file": "/etc/hosts"})) == {
            "key_file",
            "certificate_file",
        }


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which(PDFSIG) is None, reason="poppler's pdfsig is not installed")
class TestPdfsig:
    def _pdfsig(self, tmp_path, data: bytes, *options: str) -> str:
        path = tmp_path / "dokumen.pdf"
        path.write_bytes(data)
        result = subprocess.run(  # noqa: S603 - fixed binary, our own arguments
            [PDFSIG, *options, str(path)], capture_output=True, text=True, timeout=60, check=False
        )
        return result.stdout + result.stderr

    @pytest.mark.skipif(shutil.which("certutil") is None, reason="NSS's certutil (libnss3-tools) is not installed")
    def test_pdfsig_trusts_the_signature_once_the_root_is_in_its_nss_database(
        self, signing_org, sample_pdf, tmp_path, demo_pki
    ):
        certutil = shutil.which("certutil")
        database = f"sql:{tmp_path / 'nssdb'}"
        (tmp_path / "nssdb").mkdir()
        for arguments in (
            ["-N", "-d", database, "--empty-password"],
            ["-A", "-d", database, "-n", "Balai Demo Root CA", "-t", ",C,", "-i", str(demo_pki.root_certificate_path)],
        ):
            subprocess.run([certutil, *arguments], check=True, capture_output=True, timeout=60)  # noqa: S603

        output = self._pdfsig(tmp_path, sign_pdf(sample_pdf, organization=signing_org).data, "-nssdir", database)

        assert "Signature Validation: Signature is Valid." in output
        assert "Certificate Validation: Certificate is Trusted." in output

    def test_pdfsig_finds_a_valid_signature_over_the_whole_document(self, signing_org, sample_pdf, tmp_path):
        output = self._pdfsig(tmp_path, sign_pdf(sample_pdf, organization=signing_org).data)

        assert "Signature Validation: Signature is Valid." in output
        assert "Total document signed" in output
        assert "Signing Hash Algorithm: SHA-256" in output
        assert "Signature Type: ETSI.CAdES.detached" in output
        assert re.search(r"Signer Certificate Common Name: Dinas Uji Tanda Tangan", output)

    def test_pdfsig_rejects_a_flipped_byte(self, signing_org, sample_pdf, tmp_path):
        altered = _flip_inside_signed_content(sign_pdf(sample_pdf, organization=signing_org).data)

        output = self._pdfsig(tmp_path, altered)

        assert "Signature is Valid." not in output
