"""The demo PKI: a root CA "Balai Demo Root CA" and one signing certificate per agency, generated with
``cryptography`` into ``BALAI_PKI_DIR`` (default ``VAR_DIR/secrets/pki``; folders 0700, files 0600).

Never for production: anyone with a copy of the demo can make the same-looking root. ``ensure_demo_pki`` is
idempotent: it keeps what is still good, issues certificates to agencies that have none (or whose
certificate expires within 30 days, names another agency or another root) and points each agency's
``SigningProfile`` (provider ``demo``) at its files. Agencies that sign with another provider are left alone.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from balai.audit.services import audit_log
from balai.documents.models import SigningProfile, SigningProvider
from balai.documents.signing.base import certificate_pem, certificate_sha256
from balai.organizations.models import Organization, Region

ROOT_COMMON_NAME = "Balai Demo Root CA"
ROOT_KEY_FILE = "root.key.pem"
ROOT_CERTIFICATE_FILE = "root.cert.pem"
AGENCY_FOLDER = "agencies"
ROOT_KEY_SIZE = 3072
AGENCY_KEY_SIZE = 2048
ROOT_VALIDITY = datetime.timedelta(days=3652)  # 10 years
AGENCY_VALIDITY = datetime.timedelta(days=1096)  # 3 years
RENEW_BEFORE = datetime.timedelta(days=30)
CLOCK_SKEW = datetime.timedelta(hours=1)
# RFC 9336 id-kp-documentSigning; emailProtection as well because NSS (pdfsig, Firefox, Thunderbird) checks
# signer certificates for the e-mail signing purpose.
DOCUMENT_SIGNING_OID = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
X509_NAME_MAX = 64  # upper bound of commonName and organizationName (RFC 5280)


def pki_dir() -> Path:
    configured = getattr(settings, "BALAI_PKI_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "secrets" / "pki"


def root_certificate_path() -> Path:
    return pki_dir() / ROOT_CERTIFICATE_FILE


def agency_files(code: str) -> tuple[str, str]:
    """The key and certificate file names of an agency, relative to the PKI folder (codes are
    ``[A-Z0-9_-]``, so they are safe file names)."""
    return f"{AGENCY_FOLDER}/{code}.key.pem", f"{AGENCY_FOLDER}/{code}.cert.pem"


def resolve_in_pki(relative: str) -> Path:
    """``relative`` inside the PKI folder; ``ValueError`` if it points outside (profiles are edited in the admin)."""
    base = pki_dir().resolve()
    candidate = (base / relative).resolve()
    if not relative or Path(relative).is_absolute() or base not in candidate.parents:
        raise ValueError("path outside the PKI folder")
    return candidate


# --- files ------------------------------------------------------------------------------------------------


def _private_dir(path: Path) -> None:
    """Create ``path`` and any missing folder above it with mode 0700 (existing parents keep theirs: VAR_DIR
    is the operator's), and make ``path`` itself 0700."""
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)
    os.chmod(path, 0o700)


def write_private_file(path: Path, data: bytes) -> None:
    """Write atomically with mode 0600 from the first byte on (no window in which others could read)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    os.chmod(path, 0o600)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_key_and_certificate(key_path: Path, cert_path: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate] | None:
    """The pair stored at these paths if both parse and belong together, else ``None``."""
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, rsa.RSAPrivateKey) or not _same_public_key(key, cert):
        return None
    return key, cert


def _same_public_key(key: rsa.RSAPrivateKey, cert: x509.Certificate) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.public_key().public_bytes(*fmt) == cert.public_key().public_bytes(*fmt)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One generator at a time per folder (the web start, ``load_demo`` and the command may race)."""
    fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --- certificates -----------------------------------------------------------------------------------------


def _name(common_name: str, organization_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization_name[:X509_NAME_MAX]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:X509_NAME_MAX]),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def make_root(
    organization_name: str, *, now: datetime.datetime | None = None
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    now = now or timezone.now()
    key = rsa.generate_private_key(public_exponent=65537, key_size=ROOT_KEY_SIZE)
    name = _name(ROOT_COMMON_NAME, organization_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_agency_certificate(
    root_key: rsa.RSAPrivateKey,
    root_cert: x509.Certificate,
    *,
    common_name: str,
    organization_name: str,
    now: datetime.datetime | None = None,
    private_key: rsa.RSAPrivateKey | None = None,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A document-signing certificate for one agency under the demo root (valid 3 years, never past the root)."""
    now = now or timezone.now()
    key = private_key or rsa.generate_private_key(public_exponent=65537, key_size=AGENCY_KEY_SIZE)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization_name))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + AGENCY_VALIDITY, root_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING_OID, ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return key, cert


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:  # noqa: BLE001 - InvalidSignature, ValueError, TypeError: not issued by it
        return False
    return True


def _first(name: x509.Name, oid: ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _agency_certificate_current(
    cert: x509.Certificate,
    root_cert: x509.Certificate,
    *,
    common_name: str,
    organization_name: str,
    now: datetime.datetime,
) -> bool:
    return (
        _issued_by(cert, root_cert)
        and _first(cert.subject, NameOID.COMMON_NAME) == common_name[:X509_NAME_MAX]
        and _first(cert.subject, NameOID.ORGANIZATION_NAME) == organization_name[:X509_NAME_MAX]
        and cert.not_valid_before_utc <= now
        and cert.not_valid_after_utc - now > RENEW_BEFORE
    )


@dataclass(frozen=True)
class DemoRoot:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    created: bool


def ensure_demo_root(*, organization_name: str | None = None) -> DemoRoot:
    """The demo root CA from the PKI folder, created when missing, unreadable or expired (no database)."""
    directory = pki_dir()
    _private_dir(directory)
    with _locked(directory):
        return _ensure_root_unlocked(directory, organization_name or region_name())


def _ensure_root_unlocked(directory: Path, organization_name: str) -> DemoRoot:
    now = timezone.now()
    existing = load_key_and_certificate(directory / ROOT_KEY_FILE, directory / ROOT_CERTIFICATE_FILE)
    if existing is not None and existing[1].not_valid_after_utc - now > RENEW_BEFORE:
        return DemoRoot(key=existing[0], certificate=existing[1], created=False)
    key, cert = make_root(organization_name, now=now)
    write_private_file(directory / ROOT_KEY_FILE, key_pem(key))
    write_private_file(directory / ROOT_CERTIFICATE_FILE, cert_pem(cert))
    return DemoRoot(key=key, certificate=cert, created=True)


def region_name() -> str:
    region = Region.objects.order_by("pk").only("name").first()
    return region.name if region is not None else str(getattr(settings, "BALAI_SITE_NAME", "") or "Balai")


# --- agencies and their profiles --------------------------------------------------------------------------


@dataclass
class DemoPkiResult:
    directory: Path
    root_certificate_path: Path
    root_sha256: str
    root_created: bool = False
    issued: list[str] = field(default_factory=list)  # agency codes that got a new certificate
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # agencies that sign with another provider
    profiles_saved: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.root_created or bool(self.issued or self.profiles_saved)


def demo_agencies() -> list[Organization]:
    """The agencies that get a demo certificate by default: active top-level organizations (units sign with
    the profile of the organization they belong to)."""
    return list(Organization.objects.active().filter(parent__isnull=True).order_by("code"))


def ensure_demo_pki(
    organizations: Iterable[Organization] | None = None, *, allow_production: bool = False
) -> DemoPkiResult:
    """Create or complete the demo PKI and the agencies' demo signing profiles. Safe to run again."""
    if getattr(settings, "BALAI_ENV", "") == "production" and not allow_production:
        raise ImproperlyConfigured("The demo PKI is not for production (BALAI_ENV=production).")
    agencies = demo_agencies() if organizations is None else list(organizations)
    directory = pki_dir()
    _private_dir(directory)
    _private_dir(directory / AGENCY_FOLDER)
    org_name = region_name()
    with _locked(directory):
        root = _ensure_root_unlocked(directory, org_name)
        result = DemoPkiResult(
            directory=directory,
            root_certificate_path=directory / ROOT_CERTIFICATE_FILE,
            root_sha256=certificate_sha256(root.certificate),
            root_created=root.created,
        )
        for agency in agencies:
            _ensure_agency(agency, root, org_name, result)
    return result


def _ensure_agency(agency: Organization, root: DemoRoot, org_name: str, result: DemoPkiResult) -> None:
    existing = SigningProfile.objects.filter(organization=agency).first()
    if existing is not None and existing.provider != SigningProvider.DEMO:
        result.skipped.append(agency.code)
        return
    key_file, cert_file = agency_files(agency.code)
    directory = result.directory
    now = timezone.now()
    stored = load_key_and_certificate(directory / key_file, directory / cert_file)
    if stored is not None and _agency_certificate_current(
        stored[1], root.certificate, common_name=agency.name, organization_name=org_name, now=now
    ):
        cert = stored[1]
        result.unchanged.append(agency.code)
    else:
        key, cert = make_agency_certificate(
            root.key, root.certificate, common_name=agency.name, organization_name=org_name, now=now
        )
        # Key first: a certificate never sits next to a key it does not belong to for longer than a write.
        write_private_file(directory / key_file, key_pem(key))
        write_private_file(directory / cert_file, cert_pem(cert))
        result.issued.append(agency.code)
    if _save_profile(agency, cert, {"key_file": key_file, "certificate_file": cert_file}):
        result.profiles_saved.append(agency.code)


def _save_profile(agency: Organization, cert: x509.Certificate, config: dict[str, str]) -> bool:
    pem, fingerprint = certificate_pem(cert), certificate_sha256(cert)
    with transaction.atomic():
        profile = SigningProfile.objects.select_for_update().filter(organization=agency).first()
        if profile is None:
            profile = SigningProfile(
                organization=agency,
                provider=SigningProvider.DEMO,
                config=config,
                certificate_pem=pem,
                certificate_sha256=fingerprint,
            )
            profile.full_clean()
            profile.save()
        elif profile.provider != SigningProvider.DEMO or (
            profile.config == config and profile.certificate_sha256 == fingerprint
        ):
            return False
        else:
            profile.config = config
            profile.certificate_pem = pem
            profile.certificate_sha256 = fingerprint
            profile.updated_at = timezone.now()
            profile.save(update_fields=["config", "certificate_pem", "certificate_sha256", "updated_at"])
        audit_log(
            action="document.signing_profile_saved",
            target=profile,
            actor_label="documents_pki",
            summary={"provider": SigningProvider.DEMO, "certificate_sha256": fingerprint},
        )
    return True
