"""``GET /api/v1/me``: the signed-in person's own profile, personal data masked."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from balai.accounts.selectors import own_profile
from balai.api.errors import responses

router = Router(tags=["account"])


class RegionRef(Schema):
    code: str
    name: str


class ProfileOut(Schema):
    nik_masked: str
    birth_date: date | None
    sex: str | None
    address: str | None
    district: RegionRef | None
    village: RegionRef | None


class MembershipOut(Schema):
    organization: str
    organization_name: str
    role: str


class MeOut(Schema):
    id: int
    full_name: str
    email: str | None
    phone: str | None
    kind: str
    language: str
    email_verified: bool
    phone_verified: bool
    profile: ProfileOut | None
    memberships: list[MembershipOut]


@router.get("/me", response=responses(MeOut, 401, 403), url_name="me", summary="The signed-in user's own profile")
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the credential belongs to. The NIK and the phone number come masked; the full NIK is only
    in the personal-data export on the web."""
    return own_profile(request.auth)  # type: ignore[attr-defined]
