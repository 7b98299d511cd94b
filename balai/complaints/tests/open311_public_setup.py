"""Set-up shared by the Open311 and public-page tests: the demo categories over real agencies, a coordinator,
an answering agency's officer, an application's API key, and complaints made through the complaints services
(never written around them), so the tests read what the real code stores."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - parses our own responses in tests

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from balai.accounts.tests.factories import UserFactory
from balai.api.services import api_key_create
from balai.complaints.categories import load_complaint_categories
from balai.complaints.models import Complaint, ComplaintCategory, ComplaintSettings
from balai.complaints.open311 import scopes as _open311_scopes  # noqa: F401 - registers the scope
from balai.organizations.models import Organization, Role
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory

AGENCIES = {
    "DISKOMINFO": "Dinas Komunikasi dan Informatika",
    "DPUPR": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "DISHUB": "Dinas Perhubungan",
    "INSPEKTORAT": "Inspektorat Daerah",
    "DLH": "Dinas Lingkungan Hidup",
}


@dataclass
class World:
    coordinator: Organization
    agencies: dict[str, Organization]
    coordinator_staff: Any
    officers: dict[str, Any]
    citizen: Any
    app_owner: Any
    api_key: str

    def category(self, code: str) -> ComplaintCategory:
        return ComplaintCategory.objects.get(code=code)


def make_world(*, scopes: tuple[str, ...] = ("open311",)) -> World:
    agencies = {}
    for code, name in AGENCIES.items():
        agencies[code] = Organization.objects.filter(code=code).first() or OrganizationFactory(code=code, name=name)
    load_complaint_categories()
    row = ComplaintSettings.objects.order_by("pk").first()
    if row.coordinator_id is None:
        row.coordinator = agencies["DISKOMINFO"]
        row.save(update_fields=["coordinator"])
    coordinator_staff = UserFactory(staff=True, verified=True)
    # Heads: they also handle confidential complaints (which the tests prove never reach the public).
    MembershipFactory(user=coordinator_staff, organization=agencies["DISKOMINFO"], role=Role.HEAD)
    officers = {}
    for code in ("DPUPR", "DISHUB", "INSPEKTORAT"):
        officer = UserFactory(staff=True, verified=True)
        MembershipFactory(user=officer, organization=agencies[code], role=Role.HEAD)
        officers[code] = officer
    app_owner = UserFactory(full_name="Aplikasi Lapor Warga", verified=True)
    _key, clear = api_key_create(actor=None, owner=app_owner, name="Aplikasi warga", scopes=scopes)
    return World(
        coordinator=agencies["DISKOMINFO"],
        agencies=agencies,
        coordinator_staff=coordinator_staff,
        officers=officers,
        citizen=UserFactory(full_name="Siti Aminah Lestari", verified=True),
        app_owner=app_owner,
        api_key=clear,
    )


def file_complaint(world: World, **overrides: Any) -> Complaint:
    from balai.complaints.services.create import complaint_create

    values: dict[str, Any] = {
        "actor": world.citizen,
        "category": "JALAN-RUSAK",
        "description": "Lubang besar di depan pasar, sudah dua minggu.",
        "privacy": "public",
        "channel": "web",
        "latitude": "-6.595000",
        "longitude": "106.816600",
        "address": "Jl. Pasar Baru",
        "attributes": {"hazard": "ya"},
    }
    values.update(overrides)
    return complaint_create(**values)


def dispatch(world: World, complaint: Complaint) -> Complaint:
    from balai.complaints.services.handling import complaint_dispatch

    complaint_dispatch(actor=world.coordinator_staff, complaint=complaint)
    return Complaint.objects.select_related("case").get(pk=complaint.pk)


def respond(world: World, complaint: Complaint, text: str, agency: str = "DPUPR") -> Complaint:
    from balai.complaints.services.handling import complaint_respond

    complaint_respond(actor=world.officers[agency], complaint=complaint, response=text)
    return Complaint.objects.select_related("case").get(pk=complaint.pk)


def xml(response: Any) -> ET.Element:
    """Parse a response body with a real XML parser (expat): malformed XML raises."""
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:60]
    return ET.fromstring(body)  # noqa: S314 - our own output


def jpeg(name: str = "foto.jpg", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
