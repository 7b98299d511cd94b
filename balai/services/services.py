"""Changing the service catalogue. Every write checks permission, validates, saves and is audited.

Permission: platform administrators everywhere; a member with the ``administrator`` role in the owning
agency for that agency's services. Editing a service's form or workflow never changes a version that
cases may already point at: it creates a new ``ServiceVersion`` and moves ``current_version``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balai.audit.services import audit_log
from balai.core.events import publish
from balai.core.exceptions import PermissionDenied, ValidationFailed, from_django_validation_error
from balai.organizations.models import Organization, Role
from balai.organizations.scoping import can_act_on, is_platform_admin
from balai.services.models import FeeKind, FeeRuleConfig, Service, ServiceCategory, ServiceKind, ServiceVersion
from balai.services.search import stem_text

# Fields an administrator may set on a service (the code is the stable key: set on create only).
SERVICE_FIELDS = (
    "name",
    "name_en",
    "owner",
    "category",
    "kind",
    "summary",
    "summary_en",
    "description",
    "description_en",
    "eligibility",
    "eligibility_en",
    "steps",
    "steps_en",
    "legal_basis",
    "sla_days",
    "sla_extension_days",
    "fee_kind",
    "fee_amount",
    "fee_rule",
    "output",
    "routing",
    "extra",
    "is_published",
)
CATEGORY_FIELDS = ("name", "name_en", "position")


def can_manage_service(actor: Any, owner: Organization | None) -> bool:
    if is_platform_admin(actor):
        return True
    return owner is not None and can_act_on(actor, owner, roles=[Role.ADMINISTRATOR])


def _require(actor: Any, owner: Organization | None) -> None:
    if not can_manage_service(actor, owner):
        raise PermissionDenied()


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, (Organization, ServiceCategory)):
        return value.code
    return value


def search_text_for(service: Service) -> str:
    """The stemmed words a search matches: names, summary, description, category and agency."""
    category = service.category
    owner = service.owner
    return stem_text(
        service.code,
        service.name,
        service.name_en,
        service.summary,
        service.summary_en,
        service.description,
        service.description_en,
        category.name,
        category.name_en,
        owner.code,
        owner.name,
        owner.name_en,
    )


def _check_fee(service: Service) -> None:
    from balai.services.fees import known_rules

    errors: dict[str, list[Any]] = {}
    if service.fee_kind == FeeKind.FIXED and service.fee_amount is None:
        errors["fee_amount"] = [_("A fixed fee needs an amount.")]
    if service.fee_kind == FeeKind.RULE and service.fee_rule not in known_rules():
        errors["fee_rule"] = [_("Choose one of the fee rules: %(rules)s.") % {"rules": ", ".join(known_rules())}]
    if service.fee_kind != FeeKind.RULE:
        service.fee_rule = ""
    if service.fee_kind != FeeKind.FIXED:
        service.fee_amount = None
    if errors:
        raise ValidationFailed(fields=errors)


def _check_publishable(service: Service) -> None:
    if service.is_published and service.kind == ServiceKind.APPLICATION and service.current_version_id is None:
        raise ValidationFailed(
            fields={"is_published": [_("An application service needs a form and a workflow before it is published.")]}
        )


def _validate_definition(form_definition: Any) -> dict[str, Any]:
    from balai.services.formdefs import validate_definition

    if not isinstance(form_definition, dict):
        raise ValidationFailed(fields={"form_definition": [_("The form definition must be a JSON object.")]})
    definition = {
        "fields": list(form_definition.get("fields") or []),
        "requirements": list(form_definition.get("requirements") or []),
    }
    validate_definition(definition)
    return definition


@transaction.atomic
def service_create(
    *,
    actor: Any,
    code: str,
    name: str,
    owner: Organization,
    category: ServiceCategory,
    form_definition: dict[str, Any] | None = None,
    workflow: Any = None,
    **fields: Any,
) -> Service:
    """Create a service; with a ``workflow`` it gets version 1 with ``form_definition``."""
    _require(actor, owner)
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown service fields: {sorted(unknown)}")
    publish_now = bool(fields.pop("is_published", False))
    service = Service(code=(code or "").strip().upper(), name=name, owner=owner, category=category, **fields)
    _check_fee(service)
    service.search_text = search_text_for(service)
    _full_clean(service)
    service.save(force_insert=True)
    audit_log(
        actor=actor,
        action="service.created",
        target=service,
        summary={"code": service.code, "name": service.name, "owner": owner.code},
    )
    if workflow is not None:
        service_version_create(actor=actor, service=service, form_definition=form_definition or {}, workflow=workflow)
        service.refresh_from_db()
    if publish_now:
        service = service_update(actor=actor, service=service, is_published=True)
    return service


@transaction.atomic
def service_update(*, actor: Any, service: Service, **changes: Any) -> Service:
    """Change the given fields (not the form or workflow: see ``service_version_create``)."""
    unknown = set(changes) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown service fields: {sorted(unknown)}")
    service = Service.objects.select_for_update().select_related("owner", "category").get(pk=service.pk)
    _require(actor, service.owner)
    if "owner" in changes and changes["owner"] != service.owner:
        _require(actor, changes["owner"])
    diff: dict[str, list[Any]] = {}
    for field, value in changes.items():
        old = getattr(service, field)
        if old != value:
            diff[field] = [_plain(old), _plain(value)]
            setattr(service, field, value)
    if not diff:
        return service
    _check_fee(service)
    _check_publishable(service)
    service.search_text = search_text_for(service)
    service.updated_at = timezone.now()
    _full_clean(service)
    service.save()
    audit_log(actor=actor, action="service.updated", target=service, summary={"code": service.code, "changed": diff})
    if "is_published" in diff:
        publish("service.published" if service.is_published else "service.withdrawn", {"service": service.code})
    return service


@transaction.atomic
def service_version_create(
    *, actor: Any, service: Service, form_definition: dict[str, Any], workflow: Any
) -> ServiceVersion:
    """A new version of the service's form and workflow; it becomes the current one. Earlier versions
    (and the cases submitted under them) are left as they are."""
    service = Service.objects.select_for_update().select_related("owner").get(pk=service.pk)
    _require(actor, service.owner)
    if workflow is None:
        raise ValidationFailed(fields={"workflow": [_("Choose a workflow.")]})
    definition = _validate_definition(form_definition)
    number = (service.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ServiceVersion(
        service=service,
        number=number,
        form_definition=definition,
        workflow=workflow,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _full_clean(version)
    version.save(force_insert=True)
    service.current_version = version
    service.updated_at = timezone.now()
    service.save(update_fields=["current_version", "updated_at"])
    audit_log(
        actor=actor,
        action="service.version_created",
        target=service,
        summary={"code": service.code, "version": number, "workflow": getattr(workflow, "code", str(workflow))},
    )
    publish("service.version_created", {"service": service.code, "version": number})
    return version


def service_change_form(
    *, actor: Any, service: Service, form_definition: dict[str, Any], workflow: Any
) -> ServiceVersion | None:
    """Create a new version only when the form or the workflow differs from the current version."""
    current = service.current_version
    if current is not None:
        same_form = _normalise(current.form_definition) == _normalise(form_definition)
        if same_form and current.workflow_id == getattr(workflow, "pk", None):
            return None
    return service_version_create(actor=actor, service=service, form_definition=form_definition, workflow=workflow)


def _normalise(definition: Any) -> dict[str, Any]:
    definition = definition or {}
    return {"fields": list(definition.get("fields") or []), "requirements": list(definition.get("requirements") or [])}


@transaction.atomic
def service_category_create(
    *, actor: Any, code: str, name: str, name_en: str = "", position: int = 0
) -> ServiceCategory:
    if not is_platform_admin(actor):
        raise PermissionDenied()
    category = ServiceCategory(code=(code or "").strip().lower(), name=name, name_en=name_en, position=position)
    _full_clean(category)
    category.save(force_insert=True)
    audit_log(actor=actor, action="service_category.created", target=category, summary={"code": category.code})
    return category


@transaction.atomic
def service_category_update(*, actor: Any, category: ServiceCategory, **changes: Any) -> ServiceCategory:
    """Rename or reorder a category; the search text of its services follows the new name."""
    if not is_platform_admin(actor):
        raise PermissionDenied()
    unknown = set(changes) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValueError(f"unknown category fields: {sorted(unknown)}")
    category = ServiceCategory.objects.select_for_update().get(pk=category.pk)
    diff = {f: [getattr(category, f), v] for f, v in changes.items() if getattr(category, f) != v}
    if not diff:
        return category
    for field, (_old, new) in diff.items():
        setattr(category, field, new)
    _full_clean(category)
    category.save(update_fields=list(diff))
    audit_log(actor=actor, action="service_category.updated", target=category, summary={"changed": diff})
    services_reindex(category=category)
    return category


def services_reindex(*, category: ServiceCategory | None = None, owner: Organization | None = None) -> int:
    """Recompute ``search_text`` (after a category or agency was renamed); returns how many changed.
    A derived index, not a change of record: not audited."""
    services = Service.objects.select_related("category", "owner")
    if category is not None:
        services = services.filter(category=category)
    if owner is not None:
        services = services.filter(owner=owner)
    changed = 0
    for service in services:
        text = search_text_for(service)
        if text != service.search_text:
            Service.objects.filter(pk=service.pk).update(search_text=text)
            changed += 1
    return changed


@transaction.atomic
def fee_rule_save(*, actor: Any, rule: FeeRuleConfig, changed: list[str] | tuple[str, ...] = ()) -> FeeRuleConfig:
    """Create or change the numbers of a fee rule (platform administrators: tariffs are regional law)."""
    if not is_platform_admin(actor):
        raise PermissionDenied()
    creating = rule.pk is None
    rule.updated_at = timezone.now()
    _full_clean(rule)
    rule.save()
    audit_log(
        actor=actor,
        action="fee_rule.created" if creating else "fee_rule.updated",
        target=rule,
        summary={"code": rule.code, "changed": sorted(changed), "config": rule.config},
    )
    return rule
