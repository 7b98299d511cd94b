"""The demo PKI: made once, kept when run again, completed for new agencies, never readable by others."""

from __future__ import annotations

import datetime
import stat
from io import StringIO

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from balai.audit.models import AuditEvent
from balai.documents.models import SigningProfile, SigningProvider
from balai.documents.signing import ensure_demo_pki, pki, sign_pdf, validate_pdf
from balai.documents.signing.pki import DOCUMENT_SIGNING_OID
from balai.organizations.models import Region
from balai.organizations.tests.factories import OrganizationFactory


@pytest.fixture
def own_pki(settings, tmp_path):
    """A fresh, empty PKI folder for this test (the session's shared one stays untouched)."""
    directory = tmp_path / "var" / "secrets" / "pki"
    settings.BALAI_PKI_DIR = str(directory)
    return directory


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _certificate(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.mark.django_db
class TestEnsureDemoPki:
    def test_creates_a_root_and_a_certificate_per_top_level_agency(self, own_pki):
        Region.objects.create(code="99.01", name="Kabupaten Contoh")
        dinkes = OrganizationFactory(code="DINKES", name="Dinas Kesehatan")
        OrganizationFactory(code="DINKES-UPT", name="UPT Puskesmas", parent=dinkes)
        OrganizationFactory(code="TUTUP", name="Dinas Lama", is_active=False)

        result = ensure_demo_pki()

        assert result.root_created is True
        assert result.issued == ["DINKES"]
        root = _certificate(own_pki / "root.cert.pem")
        assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Balai Demo Root CA"
        assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
        assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign is True
        assert root.public_key().key_size in (2048, 3072)
        assert root.not_valid_after_utc - root.not_valid_before_utc >= datetime.timedelta(days=3650)

        agency = _certificate(own_pki / "agencies" / "DINKES.cert.pem")
        assert agency.subject.rfc4514_string() == "CN=Dinas Kesehatan,O=Kabupaten Contoh,C=ID"
        assert agency.issuer == root.subject
        agency.verify_directly_issued_by(root)
        usage = agency.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
        purposes = agency.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert set(purposes) == {DOCUMENT_SIGNING_OID, ExtendedKeyUsageOID.EMAIL_PROTECTION}
        validity = agency.not_valid_after_utc - agency.not_valid_before_utc
        assert datetime.timedelta(days=3 * 365) <= validity <= datetime.timedelta(days=3 * 366)

        profile = SigningProfile.objects.get(organization=dinkes)
        assert profile.provider == SigningProvider.DEMO
        assert profile.is_active
        assert profile.config == {"key_file": "agencies/DINKES.key.pem", "certificate_file": "agencies/DINKES.cert.pem"}
        assert profile.certificate_sha256 == result_fingerprint(agency)
        assert x509.load_pem_x509_certificate(profile.certificate_pem.encode()) == agency
        assert SigningProfile.objects.count() == 1  # units sign with their agency's profile
        assert AuditEvent.objects.filter(action="document.signing_profile_saved").count() == 1

    def test_folders_are_0700_and_files_0600(self, own_pki):
        OrganizationFactory(code="DINSOS")

        ensure_demo_pki()

        assert _mode(own_pki) == 0o700
        assert _mode(own_pki.parent) == 0o700  # VAR_DIR/secrets, created here
        assert _mode(own_pki / "agencies") == 0o700
        files = [p for p in own_pki.rglob("*") if p.is_file()]
        assert {p.name for p in files} >= {"root.key.pem", "root.cert.pem", "DINSOS.key.pem", "DINSOS.cert.pem"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}

    def test_running_again_changes_nothing(self, own_pki):
        OrganizationFactory(code="DISDIK")
        ensure_demo_pki()
        before = {p.name: p.read_bytes() for p in own_pki.rglob("*.pem")}
        events = AuditEvent.objects.count()

        again = ensure_demo_pki()

        assert again.changed is False
        assert again.root_created is False
        assert again.issued == [] and again.unchanged == ["DISDIK"]
        assert {p.name: p.read_bytes() for p in own_pki.rglob("*.pem")} == before
        assert AuditEvent.objects.count() == events

    def test_a_new_agency_gets_a_certificate_on_the_next_run(self, own_pki):
        OrganizationFactory(code="DLH")
        first = ensure_demo_pki()
        OrganizationFactory(code="DISHUB")

        second = ensure_demo_pki()

        assert second.issued == ["DISHUB"]
        assert second.unchanged == ["DLH"]
        assert second.root_sha256 == first.root_sha256
        assert SigningProfile.objects.filter(organization__code="DISHUB", provider="demo").exists()

    def test_demo_profiles_sign_documents_that_validate(self, own_pki, sample_pdf):
        agency = OrganizationFactory(code="BAPENDA", name="Badan Pendapatan Daerah")
        ensure_demo_pki()

        signed = sign_pdf(sample_pdf, organization=agency)

        report = validate_pdf(signed.data)
        assert report.ok, report.problems
        assert report.signer_subject.startswith("CN=Badan Pendapatan Daerah,")
        assert signed.certificate_sha256 == SigningProfile.objects.get(organization=agency).certificate_sha256

    def test_a_renamed_agency_gets_a_new_certificate(self, own_pki):
        agency = OrganizationFactory(code="DPUPR", name="Dinas Pekerjaan Umum")
        ensure_demo_pki()
        old = SigningProfile.objects.get(organization=agency).certificate_sha256
        agency.name = "Dinas Pekerjaan Umum dan Penataan Ruang"
        agency.save(update_fields=["name"])

        result = ensure_demo_pki()

        assert result.issued == ["DPUPR"]
        assert SigningProfile.objects.get(organization=agency).certificate_sha256 != old

    def test_a_certificate_close_to_expiry_is_renewed(self, own_pki):
        agency = OrganizationFactory(code="BPBD", name="Badan Penanggulangan Bencana Daerah")
        ensure_demo_pki()
        root = pki.ensure_demo_root()
        key, cert = pki.make_agency_certificate(
            root.key,
            root.certificate,
            common_name=agency.name,
            organization_name=pki.region_name(),
            now=timezone.now() - datetime.timedelta(days=3 * 365 - 10),
        )
        pki.write_private_file(own_pki / "agencies" / "BPBD.key.pem", pki.key_pem(key))
        pki.write_private_file(own_pki / "agencies" / "BPBD.cert.pem", pki.cert_pem(cert))

        assert ensure_demo_pki().issued == ["BPBD"]
        renewed = _certificate(own_pki / "agencies" / "BPBD.cert.pem")
        assert renewed.not_valid_after_utc - timezone.now() > datetime.timedelta(days=3 * 365 - 2)

    def test_a_damaged_key_file_is_replaced(self, own_pki):
        OrganizationFactory(code="DINSOS")
        ensure_demo_pki()
        (own_pki / "agencies" / "DINSOS.key.pem").write_bytes(b"not a key")

        assert ensure_demo_pki().issued == ["DINSOS"]

    def test_agencies_configured_with_another_provider_are_left_alone(self, own_pki, signing_profile_for):
        agency = OrganizationFactory(code="RSUD")
        profile = signing_profile_for(
            agency, provider=SigningProvider.PKCS12, config={"path": "/etc/balai/keys/rsud.p12"}
        )

        result = ensure_demo_pki()

        assert result.skipped == ["RSUD"]
        profile.refresh_from_db()
        assert profile.provider == SigningProvider.PKCS12
        assert not (own_pki / "agencies" / "RSUD.key.pem").exists()

    def test_an_inactive_demo_profile_stays_inactive(self, own_pki):
        agency = OrganizationFactory(code="DISNAKER")
        ensure_demo_pki()
        SigningProfile.objects.filter(organization=agency).update(is_active=False)

        ensure_demo_pki()

        assert SigningProfile.objects.get(organization=agency).is_active is False

    def test_refused_in_production(self, own_pki, settings):
        settings.BALAI_ENV = "production"
        OrganizationFactory(code="DINKES")

        with pytest.raises(ImproperlyConfigured):
            ensure_demo_pki()

        assert not own_pki.exists()

    def test_only_the_given_organizations(self, own_pki):
        first = OrganizationFactory(code="SATU")
        OrganizationFactory(code="DUA")

        assert ensure_demo_pki([first]).issued == ["SATU"]
        assert list(SigningProfile.objects.values_list("organization__code", flat=True)) == ["SATU"]


def result_fingerprint(certificate: x509.Certificate) -> str:
    from balai.documents.signing.base import certificate_sha256

    return certificate_sha256(certificate)


@pytest.mark.django_db
class TestCommand:
    def test_creates_and_reports(self, own_pki):
        OrganizationFactory(code="DINKES")
        out = StringIO()

        call_command("documents_pki", stdout=out)

        text = out.getvalue()
        assert f"Root CA: {own_pki / 'root.cert.pem'} (created)" in text
        assert "New certificates: DINKES" in text

    def test_second_run_says_there_is_nothing_to_do(self, own_pki):
        OrganizationFactory(code="DINKES")
        call_command("documents_pki", stdout=StringIO())
        out = StringIO()

        call_command("documents_pki", stdout=out)

        assert "nothing to do" in out.getvalue()
        assert "(kept)" in out.getvalue()

    def test_show_prints_the_root_and_the_fingerprints(self, own_pki):
        OrganizationFactory(code="DINKES")
        call_command("documents_pki", stdout=StringIO())
        profile = SigningProfile.objects.get(organization__code="DINKES")
        out = StringIO()

        call_command("documents_pki", "--show", stdout=out)

        text = out.getvalue()
        assert str(own_pki / "root.cert.pem") in text
        assert f"Root SHA-256: {result_fingerprint(_certificate(own_pki / 'root.cert.pem'))}" in text
        assert f"DINKES: {profile.certificate_sha256}" in text

    def test_show_without_a_pki_explains_what_to_run(self, own_pki):
        with pytest.raises(CommandError, match="run manage.py documents_pki"):
            call_command("documents_pki", "--show", stdout=StringIO())

    def test_refuses_in_production_without_force(self, own_pki, settings):
        settings.BALAI_ENV = "production"
        OrganizationFactory(code="DINKES")

        with pytest.raises(CommandError, match="not for production"):
            call_command("documents_pki", stdout=StringIO())
        assert not own_pki.exists()

    def test_force_demo_runs_in_production(self, own_pki, settings):
        settings.BALAI_ENV = "production"
        OrganizationFactory(code="DINKES")

        call_command("documents_pki", "--force-demo", stdout=StringIO())

        assert (own_pki / "agencies" / "DINKES.cert.pem").exists()

    def test_one_organization_by_code(self, own_pki):
        OrganizationFactory(code="DINKES")
        OrganizationFactory(code="DISDIK")

        call_command("documents_pki", "--organization", "disdik", stdout=StringIO())

        assert list(SigningProfile.objects.values_list("organization__code", flat=True)) == ["DISDIK"]

    def test_an_unknown_organization_code_is_an_error(self, own_pki):
        with pytest.raises(CommandError, match="NOPE"):
            call_command("documents_pki", "--organization", "NOPE", stdout=StringIO())
