"""The Kabupaten Contoh service catalogue: categories, fee rules and the 30 services of
``data/services.yaml``, each with version 1 of its form and workflow.

Idempotent: a record is created when missing and never overwritten, so an administrator's later edits
survive the next ``load_demo``. Needs the organizations (``balai.demo.loader``) and the default
workflows (``balai.cases.workflows.ensure_default_workflows``), which it asks for first.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import transaction

from balai.audit.services import audit_log
from balai.demo.loader import read_data
from balai.organizations.models import Organization
from balai.services.models import FeeKind, FeeRuleConfig, Routing, Service, ServiceCategory, ServiceKind, ServiceVersion
from balai.services.services import _validate_definition, search_text_for

ACTOR_LABEL = "load_demo"
DEFAULT_WORKFLOW = "simple"
# YAML keys with a model field of their own; everything else of a service is kept in ``Service.extra``.
KNOWN_KEYS = {
    "code", "name", "name_en", "owner", "category", "kind", "sla_days", "sla_extension_days", "fee", "output",
    "legal_basis", "requirements", "fields", "workflow", "route", "description", "description_en", "summary",
    "summary_en", "eligibility", "eligibility_en", "steps", "steps_en",
}  # fmt: skip


class Counter(Protocol):
    def count(self, what: str, n: int = 1) -> None: ...


class _Counts:
    def __init__(self) -> None:
        self.created: dict[str, int] = {}

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def load_services(*, result: Counter | None = None, data: dict[str, Any] | None = None) -> Counter:
    """Load what is missing of the catalogue, in one transaction; count what was created in ``result``."""
    from balai.cases.workflows import ensure_default_workflows

    result = result if result is not None else _Counts()
    data = data if data is not None else read_data("services.yaml")
    with transaction.atomic():
        ensure_default_workflows()
        categories = _load_categories(data.get("categories") or [], result)
        _load_fee_rules(data.get("fee_rules") or {}, result)
        for entry in data.get("services") or []:
            _load_service(entry, categories, result)
    return result


def _load_categories(entries: list[dict[str, Any]], result: Counter) -> dict[str, ServiceCategory]:
    existing = {c.code: c for c in ServiceCategory.objects.all()}
    for position, entry in enumerate(entries, start=1):
        code = str(entry["code"])
        if code in existing:
            continue
        category = ServiceCategory(code=code, name=entry["name"], name_en=entry.get("name_en", ""), position=position)
        category.full_clean()
        category.save(force_insert=True)
        audit_log(action="service_category.created", actor_label=ACTOR_LABEL, target=category, summary={"code": code})
        existing[code] = category
        result.count("service categories")
    return existing


def _load_fee_rules(rules: dict[str, dict[str, Any]], result: Counter) -> None:
    existing = set(FeeRuleConfig.objects.values_list("code", flat=True))
    for code, entry in rules.items():
        if code in existing:
            continue
        config = {k: v for k, v in entry.items() if k != "description"}
        rule = FeeRuleConfig(code=code, description=entry.get("description", ""), config=config)
        rule.full_clean()
        rule.save(force_insert=True)
        result.count("fee rules")


def _fee(value: Any) -> dict[str, Any]:
    if value is None or value == 0:
        return {"fee_kind": FeeKind.FREE}
    if isinstance(value, dict):
        return {"fee_kind": FeeKind.RULE, "fee_rule": str(value["formula"])}
    return {"fee_kind": FeeKind.FIXED, "fee_amount": int(value)}


def _load_service(entry: dict[str, Any], categories: dict[str, ServiceCategory], result: Counter) -> None:
    from balai.cases.models import Workflow

    code = str(entry["code"]).upper()
    if Service.objects.filter(code=code).exists():
        return
    kind = entry.get("kind", ServiceKind.APPLICATION)
    service = Service(
        code=code,
        name=entry["name"],
        name_en=entry.get("name_en", ""),
        owner=Organization.objects.get(code=entry["owner"]),
        category=categories[entry["category"]],
        kind=kind,
        summary=entry.get("summary", ""),
        summary_en=entry.get("summary_en", ""),
        description=entry.get("description", ""),
        description_en=entry.get("description_en", ""),
        eligibility=entry.get("eligibility", ""),
        eligibility_en=entry.get("eligibility_en", ""),
        steps=entry.get("steps", ""),
        steps_en=entry.get("steps_en", ""),
        legal_basis=[str(item) for item in entry.get("legal_basis") or []],
        sla_days=entry.get("sla_days"),
        sla_extension_days=entry.get("sla_extension_days"),
        output=entry.get("output") or {},
        routing=entry.get("route", Routing.TO_OWNER),
        extra={k: v for k, v in entry.items() if k not in KNOWN_KEYS},
        is_published=True,
        **_fee(entry.get("fee")),
    )
    service.search_text = search_text_for(service)
    service.full_clean(exclude=["current_version"])
    service.save(force_insert=True)
    audit_log(
        action="service.created",
        actor_label=ACTOR_LABEL,
        target=service,
        summary={"code": code, "name": service.name, "owner": service.owner.code, "source": "demo"},
    )
    result.count("services")
    has_form = bool(entry.get("fields") or entry.get("requirements") or entry.get("workflow"))
    if kind != ServiceKind.APPLICATION and not has_form:
        return
    definition = _validate_definition(
        {
            "fields": list(entry.get("fields") or []),
            "requirements": list(entry.get("requirements") or []),
        }
    )
    version = ServiceVersion(
        service=service,
        number=1,
        form_definition=definition,
        workflow=Workflow.objects.get(code=entry.get("workflow") or DEFAULT_WORKFLOW),
    )
    version.full_clean()
    version.save(force_insert=True)
    Service.objects.filter(pk=service.pk).update(current_version=version)
    audit_log(
        action="service.version_created",
        actor_label=ACTOR_LABEL,
        target=service,
        summary={"code": code, "version": 1, "workflow": version.workflow.code},
    )
