"""Issued official documents: generated PDFs with a QR code to their public verification page, a PAdES
signature by the issuing agency's key, a SHA-256, and a revocation state (ARCHITECTURE "Issued document")."""
