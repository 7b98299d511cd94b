"""Factories for the documents app; other tests import these.

- ``template_for_service(service, **fields)``: an active result template saved through
  ``document_template_save`` (so it has version 1), issued by the service's owner.
- ``completed_case(service=None, applicant=None, walk_in=None)``: a case of a service with a signed-PDF output
  moved to ``completed`` through the workflow. Give the agency a signing profile first
  (``signing_profile_for`` in conftest) when the document should be issued by the consumer.
- ``IssuedDocumentFactory``: a row with a real signed PDF in storage, written directly (no case, no audit),
  for pages and selectors; traits ``revoked`` and ``replaced``.
- ``pdf_text(data)``: the text shown on the pages of a PDF (content streams decoded), for assertions.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import secrets
import zlib
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.documents.models import DocumentKind, DocumentStatus, DocumentTemplate, IssuedDocument
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

_numbers = itertools.count(1)

RESULT_FORM = {
    "fields": [
        {"code": "child_name", "label": "Nama anak", "type": "text", "required": True},
        {"code": "birth_date", "label": "Tanggal lahir", "type": "date", "required": True},
        {"code": "sex", "label": "Jenis kelamin", "type": "choice", "choices": {"L": "Laki-laki", "P": "Perempuan"}},
        {"code": "note", "label": "Catatan", "type": "textarea", "required": False},
        {"code": "area", "label": "Luas (m2)", "type": "decimal", "required": False},
        {"code": "ktp", "label": "KTP", "type": "file", "file": ["pdf"]},
    ],
    "requirements": [{"code": "kk", "name": "Kartu Keluarga", "file": ["pdf", "jpg"], "max_mb": 5, "optional": True}],
}
RESULT_ANSWERS = {"child_name": "Putri Lestari", "birth_date": "2026-03-05", "sex": "P", "note": "", "area": "12.5"}
RESULT_BODY = """Yang bertanda tangan di bawah ini menerangkan bahwa telah dicatat kelahiran:

| Nama | {{ answers.child_name }}
| Tanggal lahir | {{ answers.birth_date }}
| Jenis kelamin | {{ answers.sex }}
| Catatan | {{ answers.note }}
| Luas | {{ answers.area }}

atas permohonan {{ applicant.name }} (NIK {{ applicant.nik }}) dengan nomor registrasi {{ case.number }}."""


def result_service(**fields: Any) -> Any:
    """A published service with ``RESULT_FORM`` and a signed-PDF output."""
    from balai.cases.tests.factories import published_service
    from balai.services.models import ServiceVersion

    service = published_service(output={"document": "Surat Uji", "format": "signed_pdf"}, **fields)
    ServiceVersion.objects.filter(pk=service.current_version_id).update(form_definition=RESULT_FORM)
    service.current_version.refresh_from_db()
    return service


def template_for_service(service: Any, **fields: Any) -> DocumentTemplate:
    from balai.documents.services import document_template_save

    n = next(_numbers)
    data = {
        "code": f"surat-uji-{n}",
        "kind": DocumentKind.OUTPUT,
        "service": service,
        "document_type": "Surat Uji",
        "title": "Surat Keterangan Uji",
        "reference_pattern": "{agency}/{service}/{seq}/{month_roman}/{year}",
        "body": RESULT_BODY,
        "signer_name": "Drs. Bambang Sutrisno, M.Si.",
        "signer_position": "Kepala Dinas Uji",
        "signer_nip": "197001011990031001",
        "place": "Kota Lama",
    }
    data.update(fields)
    return document_template_save(actor=None, template=DocumentTemplate(), data=data, actor_label="test")


def submit(service: Any, *, applicant: Any = None, answers: dict | None = None, walk_in: dict | None = None) -> Any:
    from balai.cases.models import Channel
    from balai.cases.services import case_create
    from balai.cases.tests.factories import staff_with_role

    version = service.current_version
    if walk_in is not None:
        clerk = staff_with_role(service.owner, Role.FRONT_OFFICE)
        return case_create(
            actor=clerk,
            service_version=version,
            answers=answers or dict(RESULT_ANSWERS),
            channel=Channel.COUNTER,
            walk_in=walk_in,
        )
    applicant = applicant or UserFactory(citizen=True)
    return case_create(
        actor=applicant, service_version=version, answers=answers or dict(RESULT_ANSWERS), channel=Channel.WEB
    )


def complete(case: Any, *, outcome: str = "approve") -> Any:
    """Move a case of the ``simple`` workflow to ``completed`` (``outcome="approve"``) or ``rejected``."""
    from balai.cases.services import case_transition
    from balai.cases.tests.factories import staff_with_role

    verifier = staff_with_role(case.organization, Role.VERIFIER)
    approver = staff_with_role(case.organization, Role.APPROVER)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="forward_for_approval")
    comment = "Berkas tidak lengkap dan tidak dapat diproses." if outcome == "reject" else ""
    return case_transition(actor=approver, case=case, transition=outcome, comment=comment)


def completed_case(*, service: Any = None, **kwargs: Any) -> Any:
    service = service or result_service()
    return complete(submit(service, **kwargs))


_DATA_RE = re.compile(rb"stream\r?\n(.*?)\s*endstream", re.DOTALL)
_TOKEN_RE = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj|T\*|\bTd\b|\bET\b")


def _unescape(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == 0x5C and i + 1 < len(raw):  # backslash
            nxt = raw[i + 1]
            if 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]).group(0)  # type: ignore[union-attr]
                out.append(int(digits, 8))
                i += 1 + len(digits)
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    return out.decode("cp1252", errors="replace")


def pdf_text(data: bytes) -> str:
    """The strings shown by the PDF's content streams (Flate-compressed or not), one per line."""
    lines: list[str] = []
    for match in _DATA_RE.finditer(data):
        stream = match.group(1).strip()
        if stream.endswith(b"~>"):  # reportlab writes /ASCII85Decode /FlateDecode
            try:
                stream = base64.a85decode(re.sub(rb"\s", b"", stream[:-2]))
            except ValueError:
                continue
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        current = ""
        for token in _TOKEN_RE.finditer(stream):
            if token.group(1) is not None:
                current += _unescape(token.group(1))
            elif current:
                lines.append(current)
                current = ""
        if current:
            lines.append(current)
    return "\n".join(lines)


def _signed_pdf(organization: Any, number: str) -> Any:
    from balai.documents.pdf import DocumentContent, Letterhead, render_document
    from balai.documents.signing import sign_pdf

    pdf = render_document(
        DocumentContent(
            letterhead=Letterhead(name=organization.name, lines=(organization.address,)),
            document_type="Surat Uji",
            title="Surat Keterangan Uji",
            reference=number,
            blocks=[],
            case_number="-",
            place="Kota Lama",
            date_text="23 November 2026",
            signer_position="Kepala Dinas Uji",
            signer_name="Drs. Bambang Sutrisno",
            signer_nip="197001011990031001",
            verification_url="http://testserver/verifikasi/x/",
            agency_name=organization.name,
        )
    )
    return sign_pdf(pdf, organization=organization)


class IssuedDocumentFactory(factory.django.DjangoModelFactory):
    """A document with a real, signed PDF in storage. The organization needs a signing profile
    (``signing_org`` in conftest is one)."""

    class Meta:
        model = IssuedDocument
        exclude = ("signed",)

    kind = DocumentKind.OUTPUT
    document_type = "Surat Uji"
    number = factory.Sequence(lambda n: f"UJI/{n + 1:04d}/XI/2026")
    organization = factory.SubFactory(OrganizationFactory)
    holder = factory.SubFactory(UserFactory, citizen=True)
    holder_name = factory.LazyAttribute(lambda o: o.holder.full_name if o.holder else "Warga Uji")
    signer_name = "Drs. Bambang Sutrisno"
    signer_position = "Kepala Dinas Uji"
    signer_nip = "197001011990031001"
    signed = factory.LazyAttribute(lambda o: _signed_pdf(o.organization, o.number))
    storage_name = factory.LazyAttribute(
        lambda o: default_storage.save(
            f"documents/issued/test/{secrets.token_urlsafe(18)}.pdf", ContentFile(o.signed.data)
        )
    )
    size = factory.LazyAttribute(lambda o: len(o.signed.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.signed.data).hexdigest())
    signing_provider = factory.LazyAttribute(lambda o: o.signed.provider)
    certificate_sha256 = factory.LazyAttribute(lambda o: o.signed.certificate_sha256)
    issued_at = factory.LazyFunction(timezone.now)
    status = DocumentStatus.VALID

    class Params:
        revoked = factory.Trait(
            status=DocumentStatus.REVOKED,
            revoked_at=factory.LazyFunction(timezone.now),
            revocation_reason="Salah ketik pada nama pemegang dokumen.",
        )
