"""PDF rendering of issued documents with reportlab (A4, letterhead, QR code to the verification page).

``render_document(DocumentContent)`` lays out a service's result, ``render_receipt(ReceiptContent)`` a receipt of
an application; both return the unsigned PDF bytes that ``balai.documents.signing.sign_pdf`` then signs.
``check_logo(data)`` checks a letterhead logo (PNG or JPEG by content).
"""

from .common import Letterhead, RenderError, markup, to_pdf_text
from .document import DocumentContent, render_document
from .logo import LOGO_TYPES, MAX_LOGO_BYTES, check_logo
from .receipt import ReceiptContent, render_receipt

__all__ = [
    "LOGO_TYPES",
    "MAX_LOGO_BYTES",
    "DocumentContent",
    "Letterhead",
    "ReceiptContent",
    "RenderError",
    "check_logo",
    "markup",
    "render_document",
    "render_receipt",
    "to_pdf_text",
]
