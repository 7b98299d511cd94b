"""Factories for complaints; other tests (Open311, public pages) import these.

``complaint_world()`` makes the demo's coordinator (DISKOMINFO) and answering agencies, the settings row and
the categories of ``data/complaint_categories.yaml``; ``filed_complaint(**kwargs)`` files one through
``complaint_create`` (so number, state, timeline and audit are real); ``jpeg_upload()`` is a small JPEG with
EXIF location and camera data, as phones send them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from balai.accounts.tests.factories import UserFactory
from balai.complaints.categories import load_complaint_categories
from balai.complaints.models import ComplaintCategory, ComplaintSettings
from balai.complaints.services import complaint_create
from balai.organizations.models import Organization, Role
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory

AGENCIES = ["DISKOMINFO", "DPUPR", "DISHUB", "DLH", "BPBD", "SATPOLPP", "INSPEKTORAT", "DISDUKCAPIL", "DINKES"]
AGENCIES += ["DISDIK", "DINSOS"]
# A point in the demo regency.
LAT, LON = "-6.914744", "107.609810"


@dataclass
class World:
    coordinator: Organization
    dpupr: Organization
    dishub: Organization
    settings: ComplaintSettings

    def category(self, code: str) -> ComplaintCategory:
        return ComplaintCategory.objects.get(code=code)


def complaint_world() -> World:
    for code in AGENCIES:
        if not Organization.objects.filter(code=code).exists():
            OrganizationFactory(code=code, name=f"Dinas {code.title()}")
    load_complaint_categories()
    return World(
        coordinator=Organization.objects.get(code="DISKOMINFO"),
        dpupr=Organization.objects.get(code="DPUPR"),
        dishub=Organization.objects.get(code="DISHUB"),
        settings=ComplaintSettings.objects.get(),
    )


def staff(organization: Organization, role: str = Role.RESPONDER) -> Any:
    return MembershipFactory(organization=organization, role=role).user


def filed_complaint(*, reporter: Any = None, category: str = "JALAN-RUSAK", **kwargs: Any) -> Any:
    """A complaint filed on the web by a signed-in citizen (``reporter``), counted at once."""
    defaults: dict[str, Any] = {
        "description": "Jalan berlubang besar di depan pasar, membahayakan pengendara motor.",
        "privacy": "public",
        "channel": "web",
        "latitude": LAT,
        "longitude": LON,
        "attributes": {"hazard": "ya"} if category == "JALAN-RUSAK" else {},
    }
    defaults.update(kwargs)
    actor = reporter if reporter is not None else UserFactory(citizen=True, verified=True)
    if "actor" in defaults:
        actor = defaults.pop("actor")
    return complaint_create(actor=actor, category=category, **defaults)


def jpeg_bytes(*, size: tuple[int, int] = (64, 48), with_exif: bool = True, fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if with_exif:
        exif = Image.Exif()
        exif[0x010F] = "KameraUji"  # Make
        exif[0x0110] = "Model X"  # Model
        gps = {1: "S", 2: (6.0, 54.0, 53.0), 3: "E", 4: (107.0, 36.0, 35.0)}
        exif[0x8825] = gps  # GPSInfo
        options["exif"] = exif
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_upload(name: str = "foto.jpg", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")
