"""``/api/v1/services``: the public service catalogue (published services only). No sign-in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from balai.api.errors import responses
from balai.api.pagination import PageOut, PageQuery, paginate
from balai.core.exceptions import NotFound
from balai.services.selectors import public_service, published_services

router = Router(tags=["services"])


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str


class FeeOut(Schema):
    kind: str = Field(description="free, fixed (see amount) or rule (computed from the answers by the named rule).")
    amount: int | None = Field(None, description="Whole rupiah, for a fixed fee.")
    rule: str = Field("", description="Name of the fee rule, e.g. retribusi_pbg.")


class ServiceOut(Schema):
    code: str = Field(description="Stable code, e.g. AKTA-LAHIR.")
    name: str
    name_en: str
    kind: str = Field(description="application, appointment, payment, filing or information.")
    category: CategoryOut
    agency: str = Field(description="Code of the responsible agency (see /organizations/{code}).")
    summary: str
    sla_days: int | None = Field(None, description="Working days from a complete submission to the decision.")
    fee: FeeOut
    accepts_applications: bool = Field(description="Whether an application can be submitted online.")

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return obj.owner.code

    @staticmethod
    def resolve_fee(obj: Any) -> dict[str, Any]:
        return {"kind": obj.fee_kind, "amount": obj.fee_amount, "rule": obj.fee_rule}


class OutputOut(Schema):
    document: str = ""
    format: str = ""


class FormDefinitionOut(Schema):
    version: int = Field(description="The service version; an application is submitted under it.")
    workflow: str = Field(description="Code of the workflow cases of this version follow.")
    fields: list[dict[str, Any]] = Field(description="Form fields: code, label, label_en, type, required, limits.")
    requirements: list[dict[str, Any]] = Field(description="Documents to upload: code, name, file types, max_mb.")


class ServiceDetailOut(ServiceOut):
    summary_en: str
    description: str
    description_en: str
    eligibility: str
    eligibility_en: str
    steps: str
    steps_en: str
    legal_basis: list[str]
    sla_extension_days: int | None = None
    routing: str = Field(description="to_owner or by_applicant_village.")
    output: OutputOut
    form: FormDefinitionOut | None = Field(None, description="The current form definition (null when none).")

    @staticmethod
    def resolve_output(obj: Any) -> dict[str, str]:
        output = obj.output or {}
        return {"document": str(output.get("document", "")), "format": str(output.get("format", ""))}

    @staticmethod
    def resolve_form(obj: Any) -> dict[str, Any] | None:
        version = obj.current_version
        if version is None:
            return None
        return {
            "version": version.number,
            "workflow": version.workflow.code,
            "fields": version.fields,
            "requirements": version.requirements,
        }


class ServicePage(PageOut):
    results: list[ServiceOut]


class ServiceFilter(PageQuery):
    category: str | None = Field(None, max_length=40, description="Only this category code (e.g. kependudukan).")
    agency: str | None = Field(None, max_length=32, description="Only services of this agency code.")
    q: str | None = Field(None, max_length=200, description="Search words; Indonesian word forms are understood.")


@router.get(
    "",
    response=responses(ServicePage, 422),
    auth=None,
    url_name="service-list",
    summary="List the published services",
)
def service_list(request: HttpRequest, filters: Query[ServiceFilter]) -> dict[str, Any]:
    services = published_services(category=filters.category or "", agency=filters.agency or "", query=filters.q or "")
    return paginate(services, filters)


@router.get(
    "/{code}",
    response=responses(ServiceDetailOut, 404),
    auth=None,
    url_name="service-detail",
    summary="One published service with its current form definition",
)
def service_detail(request: HttpRequest, code: str) -> Any:
    service = public_service(code)
    if service is None:
        raise NotFound()
    return service
