"""PAdES signing with pyHanko for providers that hold the key themselves (demo, PKCS#12).

The signature is a PAdES baseline (B-B; B-T when a time-stamping authority is configured) approval signature
in an invisible field: SHA-256, subfilter ETSI.CAdES.detached, the signer's certificate and its chain
embedded. The PDF itself already shows who signed it and how to verify it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import BuildProps
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNATURE_FIELD_NAME = "Balai-Signature"
DIGEST_ALGORITHM = "sha256"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class KeyMaterial:
    """A private key with its certificate and the CA certificates above it (root included if known)."""

    private_key: PrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


class InvalidPdfError(ValueError):
    """The bytes could not be opened as a PDF that can be signed (damaged, encrypted)."""


def to_asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def to_asn1_key(private_key: PrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class PreloadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses the private key for every signature (about 40 ms for RSA with
    cryptography's key checks); this one keeps the parsed key, which makes signing about five times faster."""

    def __init__(self, material: KeyMaterial) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple([to_asn1_certificate(c) for c in material.chain])
        super().__init__(
            signing_cert=to_asn1_certificate(material.certificate),
            signing_key=to_asn1_key(material.private_key),
            cert_registry=registry,
        )
        self._private_key = material.private_key
        self.material = material

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        hash_class = _HASHES.get(digest_algorithm.lower())
        key = self._private_key
        if hash_class is not None and name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_class())
        if hash_class is not None and name == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_class()))
        return super().sign_raw(data, digest_algorithm)  # PSS and the rest: pyHanko's own (slower) path


_signer_cache: dict[str, PreloadedKeySigner] = {}
_signer_cache_lock = threading.Lock()
_SIGNER_CACHE_SIZE = 64


def cached_signer(cache_key: str, load: Any) -> PreloadedKeySigner:
    """The signer for ``cache_key`` (which must change whenever the key material may have: include the file's
    mtime and size and a hash of the passphrase), built by ``load()`` -> KeyMaterial on first use."""
    with _signer_cache_lock:
        signer = _signer_cache.get(cache_key)
    if signer is not None:
        return signer
    signer = PreloadedKeySigner(load())
    with _signer_cache_lock:
        if len(_signer_cache) >= _SIGNER_CACHE_SIZE:
            _signer_cache.clear()
        _signer_cache[cache_key] = signer
    return signer


def clear_signer_cache() -> None:
    with _signer_cache_lock:
        _signer_cache.clear()


def passphrase_digest(passphrase: bytes | None) -> str:
    """A cache-key part that changes with the passphrase without keeping it in the key."""
    return hashlib.sha256(b"balai-signer-cache:" + (passphrase or b"")).hexdigest()[:16]


def timestamper_for(config: dict[str, Any]) -> TimeStamper | None:
    """An RFC 3161 time-stamping client when the profile names one (``tsa_url``); off by default, so that
    signing makes no network request unless an administrator asked for it."""
    url = config.get("tsa_url")
    if not url:
        return None
    timeout = config.get("tsa_timeout", 10)
    return HTTPTimeStamper(url=str(url), timeout=timeout)


def _reservation(signer: PreloadedKeySigner) -> int:
    """Room for the CMS container, in hex digits: its size is known up to a few hundred bytes when no
    time-stamp token goes in, which spares pyHanko the dry-run signature it would make to measure it."""
    certificates = [signer.material.certificate, *signer.material.chain]
    der_size = sum(len(c.public_bytes(serialization.Encoding.DER)) for c in certificates)
    key_size = getattr(signer.material.private_key, "key_size", 521) // 8 + 16
    return 2 * (der_size + key_size + 4096)


def sign_with_signer(
    pdf_bytes: bytes,
    signer: PreloadedKeySigner,
    *,
    reason: str = "",
    location: str = "",
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Append a PAdES signature to ``pdf_bytes`` (an incremental update: the original bytes stay a prefix)."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD_NAME,
        md_algorithm=DIGEST_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:500] or None,
        location=location[:200] or None,
        app_build_props=BuildProps(name="Balai"),
    )
    reserved = None if timestamper is not None else _reservation(signer)
    try:
        return _sign_once(pdf_bytes, signer, metadata, timestamper, reserved)
    except InvalidPdfError:
        raise
    except Exception:  # noqa: BLE001 - the estimate was too small for an unusual chain: let pyHanko measure
        if reserved is None:
            raise
        return _sign_once(pdf_bytes, signer, metadata, timestamper, None)


def _sign_once(
    pdf_bytes: bytes,
    signer: PreloadedKeySigner,
    metadata: signers.PdfSignatureMetadata,
    timestamper: TimeStamper | None,
    reserved: int | None,
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as exc:
        raise InvalidPdfError("unreadable PDF") from exc
    if writer.prev.encrypted:
        raise InvalidPdfError("encrypted PDF")
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev)}
    if SIGNATURE_FIELD_NAME in taken:
        # Signing an already signed document again: a new field beside the old one.
        number = 2
        while f"{SIGNATURE_FIELD_NAME}-{number}" in taken:
            number += 1
        metadata = dataclasses.replace(metadata, field_name=f"{SIGNATURE_FIELD_NAME}-{number}")
    pdf_signer = signers.PdfSigner(metadata, signer, timestamper=timestamper)
    output = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
    return output.getvalue()
