"""The PKCS#12 and remote providers: what an agency's staff are told when its key or service is not usable."""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils import timezone, translation

from balai.documents.models import SigningProvider
from balai.documents.signing import SigningError, pades, pki, register, sign_pdf, validate_pdf
from balai.documents.signing.base import certificate_sha256, display_date
from balai.documents.signing.providers.remote import encode_multipart
from balai.organizations.tests.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English message texts (the Indonesian catalogue is checked by check_translations)."""
    with translation.override("en"):
        yield


PASSPHRASE = "kata-sandi-p12-uji"
PASSPHRASE_ENV = "BALAI_P12_TEST_AGENCY"


def _p12(demo_pki: Any, *, certificate: Any = None, passphrase: str = PASSPHRASE) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name=b"dinas-uji",
        key=demo_pki.agency_key,
        cert=certificate or demo_pki.agency_certificate,
        cas=[demo_pki.root_certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


@pytest.fixture
def p12_agency(db, tmp_path, demo_pki, monkeypatch, signing_profile_for):
    path = tmp_path / "dinas-uji.p12"
    path.write_bytes(_p12(demo_pki))
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    agency = OrganizationFactory(name="Dinas Kesehatan")
    profile = signing_profile_for(
        agency,
        provider=SigningProvider.PKCS12,
        config={"path": str(path), "passphrase_env": PASSPHRASE_ENV},
        certificate_pem="",
        certificate_sha256="",
    )
    return agency, profile, path


@pytest.mark.django_db
class TestPkcs12:
    def test_signs_with_the_right_passphrase(self, p12_agency, sample_pdf, demo_pki):
        agency, _profile, _path = p12_agency

        signed = sign_pdf(sample_pdf, organization=agency)

        assert signed.provider == "pkcs12"
        assert signed.certificate_sha256 == certificate_sha256(demo_pki.agency_certificate)
        assert validate_pdf(signed.data).ok

    def test_a_wrong_passphrase_is_a_clear_signing_error(self, p12_agency, sample_pdf, monkeypatch):
        agency, _profile, _path = p12_agency
        monkeypatch.setenv(PASSPHRASE_ENV, "salah")

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_key_unreadable"
        assert "passphrase is wrong" in str(caught.value.message)
        assert "salah" not in str(caught.value.message)

    def test_a_missing_file_is_a_clear_signing_error_without_the_path(self, p12_agency, sample_pdf):
        agency, _profile, path = p12_agency
        path.unlink()

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_key_missing"
        assert str(path) not in str(caught.value.message)

    def test_an_unset_passphrase_names_the_variable_to_set(
        self, p12_agency, sample_pdf, monkeypatch, settings, tmp_path
    ):
        agency, _profile, _path = p12_agency
        monkeypatch.delenv(PASSPHRASE_ENV)
        settings.VAR_DIR = tmp_path  # no secrets.json there

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert PASSPHRASE_ENV in str(caught.value.message)

    def test_the_passphrase_may_come_from_the_local_secrets_file(
        self, p12_agency, sample_pdf, monkeypatch, settings, tmp_path
    ):
        agency, _profile, _path = p12_agency
        monkeypatch.delenv(PASSPHRASE_ENV)
        settings.VAR_DIR = tmp_path
        (tmp_path / "secrets.json").write_text(json.dumps({PASSPHRASE_ENV: PASSPHRASE}))

        assert validate_pdf(sign_pdf(sample_pdf, organization=agency).data).ok

    def test_an_expired_certificate_is_refused(self, p12_agency, sample_pdf, demo_pki):
        agency, _profile, path = p12_agency
        four_years_ago = timezone.now() - datetime.timedelta(days=4 * 365)
        _key, expired = pki.make_agency_certificate(
            demo_pki.root_key,
            demo_pki.root_certificate,
            common_name="Dinas Kesehatan",
            organization_name="Kabupaten Uji",
            now=four_years_ago,
            private_key=demo_pki.agency_key,
        )
        path.write_bytes(_p12(demo_pki, certificate=expired))

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_certificate_expired"
        assert display_date(expired.not_valid_after_utc) in str(caught.value.message)

    def test_a_replaced_file_is_picked_up_without_a_restart(self, p12_agency, sample_pdf, demo_pki, monkeypatch):
        agency, _profile, path = p12_agency
        sign_pdf(sample_pdf, organization=agency)
        path.write_bytes(_p12(demo_pki, passphrase="kata-sandi-baru"))
        monkeypatch.setenv(PASSPHRASE_ENV, "kata-sandi-baru")

        assert validate_pdf(sign_pdf(sample_pdf, organization=agency).data).ok

    def test_a_file_that_is_not_pkcs12_is_refused(self, p12_agency, sample_pdf):
        agency, _profile, path = p12_agency
        path.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot really\n")

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_key_unreadable"

    @pytest.mark.parametrize(
        ("config", "keys"),
        [
            ({}, {"path"}),
            ({"path": "relative/dinkes.p12"}, {"path"}),
            ({"path": "/etc/balai/keys/dinkes.p12", "passphrase_env": "lower-case"}, {"passphrase_env"}),
            ({"path": "/etc/balai/keys/dinkes.p12", "tsa_url": "ftp://tsa"}, {"tsa_url"}),
            ({"path": "/etc/balai/keys/dinkes.p12", "tsa_timeout": 0}, {"tsa_timeout"}),
            ({"path": "/etc/balai/keys/dinkes.p12", "passphrase_env": "BALAI_P12_DINKES"}, set()),
        ],
    )
    def test_settings_are_checked_when_a_profile_is_saved(self, config, keys):
        assert set(register["pkcs12"].config_errors(config)) == keys

    def test_settings_must_be_an_object(self):
        assert set(register["pkcs12"].config_errors(["/etc/x.p12"])) == {"config"}


# --- remote ------------------------------------------------------------------------------------------------


def _name(part: Any) -> str:
    return part.get_param("name", header="content-disposition")


class FakeSigningService(BaseHTTPRequestHandler):
    """BSrE-shaped stub: POST /api/sign/pdf, multipart with file/nik/passphrase/tampilan, answers the PDF
    signed with the demo agency key. ``mode`` picks a misbehaviour."""

    mode: ClassVar[str] = "ok"
    signer: ClassVar[Any] = None
    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
        type(self).requests.append(
            {"path": self.path, "authorization": self.headers.get("Authorization"), "fields": fields}
        )
        mode = type(self).mode
        if mode == "slow":
            time.sleep(2)
        if mode == "error":
            return self._answer(500, "application/json", json.dumps({"error": "Passphrase salah"}).encode())
        if mode == "html":
            return self._answer(200, "text/html", b"<html><body>Maintenance</body></html>")
        if mode == "json_200":
            return self._answer(200, "application/json", json.dumps({"error": "NIK tidak terdaftar"}).encode())
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            return None
        document = fields["file"]
        if mode == "rewritten":  # a validly signed PDF, but not the one that was sent
            document = document.replace(b"ReportLab Generated", b"ReportLab Rewritten")
        signed = pades.sign_with_signer(document, type(self).signer)
        return self._answer(200, "application/pdf", signed)

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)


@pytest.fixture
def signing_service(demo_pki) -> Iterator[str]:
    FakeSigningService.mode = "ok"
    FakeSigningService.requests = []
    FakeSigningService.signer = pades.PreloadedKeySigner(
        pades.KeyMaterial(
            private_key=demo_pki.agency_key, certificate=demo_pki.agency_certificate, chain=(demo_pki.root_certificate,)
        )
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSigningService)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def remote_agency(db, signing_service, signing_profile_for, monkeypatch):
    monkeypatch.setenv("BALAI_BSRE_TOKEN_TEST", "token-uji")
    monkeypatch.setenv("BALAI_BSRE_PASSPHRASE_TEST", "passphrase-uji")
    agency = OrganizationFactory(name="Dinas Penanaman Modal")
    profile = signing_profile_for(
        agency,
        provider=SigningProvider.REMOTE,
        config={
            "base_url": signing_service + "/",
            "token_env": "BALAI_BSRE_TOKEN_TEST",
            "nik": "3201010101900001",
            "passphrase_env": "BALAI_BSRE_PASSPHRASE_TEST",
            "timeout": 1,
        },
        certificate_pem="",
        certificate_sha256="",
    )
    return agency, profile


@pytest.mark.django_db
class TestRemote:
    def test_signs_through_the_service(self, remote_agency, sample_pdf, demo_pki):
        agency, _profile = remote_agency

        signed = sign_pdf(sample_pdf, organization=agency, reason="Izin usaha", location="Kota Lama")

        assert signed.provider == "remote"
        assert signed.certificate_sha256 == certificate_sha256(demo_pki.agency_certificate)
        assert signed.signer_subject == "CN=Dinas Uji Tanda Tangan,O=Kabupaten Uji,C=ID"
        assert validate_pdf(signed.data).ok
        (request,) = FakeSigningService.requests
        assert request["path"] == "/api/sign/pdf"
        assert request["authorization"] == "Bearer token-uji"
        assert request["fields"]["nik"] == b"3201010101900001"
        assert request["fields"]["passphrase"] == b"passphrase-uji"
        assert request["fields"]["tampilan"] == b"invisible"
        assert request["fields"]["reason"] == b"Izin usaha"
        assert request["fields"]["file"] == sample_pdf

    def test_a_server_error_gives_the_services_message(self, remote_agency, sample_pdf):
        agency, _profile = remote_agency
        FakeSigningService.mode = "error"

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_failed"
        assert "HTTP 500" in str(caught.value.message)
        assert "Passphrase salah" in str(caught.value.message)

    def test_a_service_that_does_not_answer_in_time_is_a_timeout(self, remote_agency, sample_pdf):
        agency, _profile = remote_agency
        FakeSigningService.mode = "slow"

        started = time.monotonic()
        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_timeout"
        assert time.monotonic() - started < 1.9

    def test_an_answer_that_is_not_a_pdf_is_refused(self, remote_agency, sample_pdf):
        agency, _profile = remote_agency
        FakeSigningService.mode = "html"

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_failed"
        assert "did not send back a PDF" in str(caught.value.message)

    def test_a_json_error_with_status_200_is_refused(self, remote_agency, sample_pdf):
        agency, _profile = remote_agency
        FakeSigningService.mode = "json_200"

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "NIK tidak terdaftar" in str(caught.value.message)

    def test_a_changed_document_is_refused(self, remote_agency, sample_pdf):
        agency, _profile = remote_agency
        FakeSigningService.mode = "rewritten"

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "changed the document" in str(caught.value.message)

    def test_redirects_are_not_followed(self, remote_agency, sample_pdf):
        agency, _profile = remote_agency
        FakeSigningService.mode = "redirect"

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "HTTP 302" in str(caught.value.message)

    def test_a_certificate_other_than_the_pinned_one_is_refused(self, remote_agency, sample_pdf):
        agency, profile = remote_agency
        profile.config = {**profile.config, "certificate_sha256": "ab" * 32}
        profile.save(update_fields=["config"])

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "another certificate" in str(caught.value.message)

    def test_an_unreachable_service_is_a_clear_error(self, remote_agency, sample_pdf):
        agency, profile = remote_agency
        profile.config = {**profile.config, "base_url": "http://127.0.0.1:9"}
        profile.save(update_fields=["config"])

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "cannot be reached" in str(caught.value.message)

    def test_a_missing_token_names_the_variable(self, remote_agency, sample_pdf, monkeypatch, settings, tmp_path):
        agency, _profile = remote_agency
        monkeypatch.delenv("BALAI_BSRE_TOKEN_TEST")
        settings.VAR_DIR = tmp_path

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert "BALAI_BSRE_TOKEN_TEST" in str(caught.value.message)
        assert FakeSigningService.requests == []

    def test_https_certificates_are_verified(self, remote_agency, sample_pdf):
        # The stub speaks plain HTTP: a TLS handshake with it fails, and that must be an error, not a fallback.
        agency, profile = remote_agency
        profile.config = {**profile.config, "base_url": profile.config["base_url"].replace("http://", "https://")}
        profile.save(update_fields=["config"])

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_failed"

    @pytest.mark.parametrize(
        ("config", "keys"),
        [
            ({"base_url": "https://esign.example.go.id", "token_env": "BSRE_TOKEN"}, set()),
            ({"base_url": "http://10.1.2.3", "token_env": "BSRE_TOKEN"}, {"base_url"}),
            ({"base_url": "http://10.1.2.3", "token_env": "BSRE_TOKEN", "allow_insecure_http": True}, set()),
            ({"base_url": "http://127.0.0.1:8080", "token_env": "BSRE_TOKEN"}, set()),
            ({"base_url": "ftp://esign", "token_env": "BSRE_TOKEN"}, {"base_url"}),
            ({"base_url": "https://esign"}, {"nik"}),
            ({"base_url": "https://esign", "nik": "123"}, {"nik", "passphrase_env"}),
            ({"base_url": "https://esign", "nik": "3201010101900001", "passphrase_env": "P"}, set()),
            ({"base_url": "https://esign", "token_env": "T", "timeout": 0}, {"timeout"}),
            ({"base_url": "https://esign", "token_env": "T", "timeout": "30"}, {"timeout"}),
            ({"base_url": "https://esign", "token_env": "T", "ca_file": "ca.pem"}, {"ca_file"}),
            ({"base_url": "https://esign", "token_env": "T", "certificate_sha256": "xyz"}, {"certificate_sha256"}),
        ],
    )
    def test_settings_are_checked_when_a_profile_is_saved(self, config, keys):
        assert set(register["remote"].config_errors(config)) == keys


def test_multipart_body_carries_fields_and_file():
    body, content_type = encode_multipart(
        {"nik": "1", "tampilan": "invisible"}, file_field="file", filename="a.pdf", content=b"%PDF-1.7 x"
    )
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}

    assert parts["nik"].get_payload(decode=True) == b"1"
    assert parts["file"].get_content_type() == "application/pdf"
    assert parts["file"].get_payload(decode=True) == b"%PDF-1.7 x"


# --- RFC 3161 time-stamps ------------------------------------------------------------------------------------


class FakeTimeStampingAuthority(BaseHTTPRequestHandler):
    stamper: ClassVar[Any] = None
    requests: ClassVar[int] = 0

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_POST(self) -> None:  # noqa: N802
        from asn1crypto import tsp

        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).requests += 1
        answer = type(self).stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def time_stamping_authority(demo_pki) -> Iterator[str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Balai Test TSA")]))
        .issuer_name(demo_pki.root_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(demo_pki.root_key, hashes.SHA256())
    )
    FakeTimeStampingAuthority.requests = 0
    FakeTimeStampingAuthority.stamper = DummyTimeStamper(
        tsa_cert=pades.to_asn1_certificate(certificate),
        tsa_key=pades.to_asn1_key(key),
        certs_to_embed=[pades.to_asn1_certificate(demo_pki.root_certificate)],
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTimeStampingAuthority)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
class TestTimeStamps:
    def test_no_time_stamping_request_unless_configured(self, signing_org, sample_pdf, time_stamping_authority):
        signed = sign_pdf(sample_pdf, organization=signing_org)

        assert FakeTimeStampingAuthority.requests == 0
        assert validate_pdf(signed.data).ok

    def test_a_configured_authority_stamps_the_signature(
        self, signing_profile_for, sample_pdf, demo_pki, time_stamping_authority
    ):
        agency = OrganizationFactory()
        signing_profile_for(
            agency,
            config={
                "key_file": demo_pki.agency_key_file,
                "certificate_file": demo_pki.agency_certificate_file,
                "tsa_url": time_stamping_authority,
            },
        )

        signed = sign_pdf(sample_pdf, organization=agency)

        assert FakeTimeStampingAuthority.requests >= 1
        report = validate_pdf(signed.data)
        assert report.ok, report.problems
        assert abs((report.signed_at - timezone.now()).total_seconds()) < 120

    def test_an_authority_that_cannot_be_reached_is_a_signing_error(self, signing_profile_for, sample_pdf, demo_pki):
        agency = OrganizationFactory()
        signing_profile_for(
            agency,
            config={
                "key_file": demo_pki.agency_key_file,
                "certificate_file": demo_pki.agency_certificate_file,
                "tsa_url": "http://127.0.0.1:9/tsa",
                "tsa_timeout": 2,
            },
        )

        with pytest.raises(SigningError) as caught:
            sign_pdf(sample_pdf, organization=agency)

        assert caught.value.code == "signing_failed"
