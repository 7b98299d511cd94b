"""Electronic signatures of issued documents: the provider registry, PAdES signing and signature checks.

    from balai.documents.signing import sign_pdf, validate_pdf, ensure_demo_pki, trust_roots

``sign_pdf(pdf_bytes, *, organization, reason="", location="") -> SignedPdf`` signs with the agency's active
``SigningProfile`` (a unit falls back to its parent's) and raises ``SigningError`` when there is none usable.
``validate_pdf(pdf_bytes) -> SignatureReport`` never raises. ``ensure_demo_pki()`` creates the demo PKI.
"""

from balai.documents.signing import providers  # noqa: F401  (registers demo, pkcs12, remote)
from balai.documents.signing.base import (
    SignedPdf,
    SigningBackend,
    SigningError,
    active_profile_for,
    read_secret,
    register,
    sign_pdf,
    signer_for,
)
from balai.documents.signing.pades import SIGNATURE_FIELD_NAME
from balai.documents.signing.pki import DemoPkiResult, ensure_demo_pki, pki_dir, root_certificate_path
from balai.documents.signing.validation import SignatureReport, inspect_signature, trust_roots, validate_pdf

__all__ = [
    "SIGNATURE_FIELD_NAME",
    "DemoPkiResult",
    "SignatureReport",
    "SignedPdf",
    "SigningBackend",
    "SigningError",
    "active_profile_for",
    "ensure_demo_pki",
    "inspect_signature",
    "pki_dir",
    "read_secret",
    "register",
    "root_certificate_path",
    "sign_pdf",
    "signer_for",
    "trust_roots",
    "validate_pdf",
]
