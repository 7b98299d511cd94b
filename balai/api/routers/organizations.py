"""``/api/v1/organizations``: the public directory of agencies (OPD) and their units. No sign-in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.core.exceptions import NotFound
from balai.organizations.selectors import public_organization, public_organizations

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None = Field(None, description="Code of the organization this one is a unit of.")
    address: str
    phone: str
    email: str
    website: str
    opening_hours: str

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class OrganizationPage(PageOut):
    results: list[OrganizationOut]


class OrganizationFilter(PageQuery):
    kind: str | None = Field(None, max_length=32, description="Only this kind (dinas, badan, kecamatan, ...).")
    q: str | None = Field(None, max_length=100, description="Part of the name.")


@router.get(
    "",
    response=responses(OrganizationPage, 422),
    auth=None,
    url_name="organization-list",
    summary="List the active organizations",
)
def organization_list(request: HttpRequest, filters: Query[OrganizationFilter]) -> dict[str, Any]:
    organizations = public_organizations(query=filters.q or "")
    if filters.kind:
        organizations = organizations.filter(kind=filters.kind)
    return paginate(organizations.order_by("name", "code"), filters)


@router.get(
    "/{code}",
    response=responses(OrganizationOut, 404),
    auth=None,
    url_name="organization-detail",
    summary="One organization by its code",
)
def organization_detail(request: HttpRequest, code: str) -> Any:
    organization = public_organization(code)
    if organization is None:
        raise NotFound()
    return organization
