"""The public catalogue at /layanan/ and one service at /layanan/<code>/ (no sign-in)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from balai.services import selectors
from balai.services.forms import CatalogueFilterForm
from balai.services.models import FeeKind, FeeRuleConfig, Service

FIELD_TYPE_LABELS = {
    "text": _("Text"),
    "textarea": _("Longer text"),
    "integer": _("Whole number"),
    "decimal": _("Number"),
    "date": _("Date"),
    "choice": _("Choice"),
    "nik": _("NIK (16 digits)"),
    "phone": _("Telephone number"),
    "email": _("E-mail address"),
    "region": _("District and village"),
    "geo": _("Location on the map"),
    "file": _("File"),
    "checkbox": _("Yes/no"),
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    categories = list(selectors.catalogue_categories())
    agencies = list(selectors.catalogue_agencies())
    form = CatalogueFilterForm(request.GET or None, categories=categories, agencies=agencies)
    valid = not form.is_bound or form.is_valid()
    filters = form.cleaned_data if form.is_bound and valid else {}
    query = filters.get("q", "").strip()
    groups: list[tuple[Any, list[Service]]] = []
    count = 0
    if valid:
        services = list(
            selectors.published_services(
                category=filters.get("category", ""), agency=filters.get("agency", ""), query=query
            )
        )
        count = len(services)
        by_category: dict[int, list[Service]] = {}
        for service in services:
            by_category.setdefault(service.category_id, []).append(service)
        groups = [(c, by_category[c.pk]) for c in categories if c.pk in by_category]
    filtered = bool(query or filters.get("category") or filters.get("agency"))
    return render(
        request,
        "services/catalogue.html",
        {"form": form, "groups": groups, "count": count, "query": query, "filtered": filtered},
        status=200 if valid else 400,
    )


def _localised(item: dict[str, Any], key: str) -> str:
    if _english() and item.get(f"{key}_en"):
        return str(item[f"{key}_en"])
    return str(item.get(key) or "")


def _fields(service: Service) -> list[dict[str, Any]]:
    version = service.current_version
    if version is None:
        return []
    rows = []
    for field in version.fields:
        choices = field.get("choices") or {}
        rows.append(
            {
                "label": _localised(field, "label"),
                "type": FIELD_TYPE_LABELS.get(field.get("type", ""), field.get("type", "")),
                "required": bool(field.get("required")),
                "choices": [str(label) for label in choices.values()] if isinstance(choices, dict) else [],
            }
        )
    return rows


def _requirements(service: Service) -> list[dict[str, Any]]:
    version = service.current_version
    if version is None:
        return []
    return [
        {
            "name": _localised(item, "name"),
            "file": item.get("file") or [],
            "max_mb": item.get("max_mb"),
            "optional": bool(item.get("optional")),
            "original_at_counter": bool(item.get("original_at_counter")),
        }
        for item in version.requirements
    ]


def _fee_inputs(service: Service, rule: FeeRuleConfig | None) -> list[str]:
    """Labels of the form fields a fee rule reads (``inputs`` in its configuration)."""
    if rule is None:
        return []
    labels = {
        f.get("code"): _localised(f, "label")
        for f in (service.current_version.fields if service.current_version else [])
    }
    return [labels.get(code) or str(code).replace("_", " ") for code in rule.config.get("inputs") or []]


@require_safe
def detail(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.public_service(code)
    if service is None:
        raise Http404
    rule = FeeRuleConfig.objects.filter(code=service.fee_rule).first() if service.fee_kind == FeeKind.RULE else None
    return render(
        request,
        "services/detail.html",
        {
            "service": service,
            "fields": _fields(service),
            "requirements": _requirements(service),
            "fee_rule": rule,
            "fee_inputs": _fee_inputs(service, rule),
            "output_document": (service.output or {}).get("document", ""),
            "slots": (service.extra or {}).get("slots") or {},
            "apply_url": f"/layanan/{service.code}/ajukan/",
        },
    )
