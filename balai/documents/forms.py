"""Forms of the document pages: the id typed from paper, the PDF to check, and the staff's revoke and reissue
confirmations. The upload handler keeps the one PDF in memory and stops reading past the size limit, so a
checked file never touches the disk."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.documents.models import PUBLIC_ID_LENGTH
from balai.documents.selectors import is_well_formed_public_id, normalize_public_id

REASON_MAX_LENGTH = 2000  # IssuedDocument.revocation_reason


class PublicIdForm(forms.Form):
    """``?id=`` on /verifikasi/: the document id printed under the QR code."""

    id = forms.CharField(
        label=gettext_lazy("Document ID"),
        max_length=4 * PUBLIC_ID_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id"].help_text = _(
            "The %(length)d letters and digits printed beside the QR code, for example k7m2p9qx4hta8wbn3cde."
        ) % {"length": PUBLIC_ID_LENGTH}

    def clean_id(self) -> str:
        value = normalize_public_id(self.cleaned_data["id"])
        if not is_well_formed_public_id(value):
            raise forms.ValidationError(
                _(
                    "A document ID has %(length)d letters and digits (no 0, 1, o or l). "
                    "Check it against the printed document."
                )
                % {"length": PUBLIC_ID_LENGTH},
                code="malformed",
            )
        return value


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF file"),
        allow_empty_file=True,  # an empty file gets our own message, not Django's
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("The file you received, as it is. At most %(size)s.") % {
            "size": filesizeformat(max_bytes)
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        help_text=gettext_lazy(
            "Shown to anyone who checks the document. Do not write personal data, for example: "
            "“Issued with a wrong date of birth”."
        ),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write why the document is revoked."), code="required")
        return reason


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for reissuing"),
        help_text=gettext_lazy("Optional; recorded in the audit trail."),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PdfUploadHandler(FileUploadHandler):
    """Keeps uploaded files in memory and stops reading once more than ``max_bytes`` of file data arrived
    (``too_large`` then says so). Installed as the only handler of the request, so nothing is written to a
    temporary file on disk."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.too_large = False
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)  # over every file of the request, not per file
        if self.received > self.max_bytes:
            self.too_large = True
            self.buffer = None
            raise StopUpload(connection_reset=True)
        if self.buffer is not None:  # new_file always runs first
            self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


# Room for the multipart framing and the CSRF field around the file (a request bigger than the limit plus
# this is refused from its Content-Length, before a byte of the body is read).
MULTIPART_OVERHEAD = 64 * 1024


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except (TypeError, ValueError):
        return 0


def install_pdf_upload_handler(request: HttpRequest, max_bytes: int) -> PdfUploadHandler:
    """Before ``request.POST``/``FILES`` is first read: parse the body with a ``PdfUploadHandler`` only."""
    handler = PdfUploadHandler(request, max_bytes)
    request.upload_handlers = [handler]
    return handler


def read_upload(uploaded: Any, max_bytes: int) -> bytes:
    """The uploaded file's bytes, reading at most one byte past the limit."""
    uploaded.seek(0)
    return uploaded.read(max_bytes + 1)
