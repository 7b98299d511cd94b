"""Factories for the case engine; other apps' tests import these.

``published_service(workflow="simple", **fields)`` makes a published service with a current version on
one of the shipped workflows; ``submitted_case(**kwargs)`` submits one through ``case_create`` (so the
number, clock, timeline and audit are real); ``staff_with_role(organization, role)`` makes a staff member.
"""

from __future__ import annotations

import itertools
from typing import Any

from balai.accounts.tests.factories import UserFactory
from balai.cases.models import Channel, Workflow
from balai.cases.services import case_create
from balai.cases.workflows import ensure_default_workflows
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory
from balai.services.models import Service, ServiceCategory, ServiceVersion

_counter = itertools.count(1)
SIMPLE_FORM = {
    "fields": [{"code": "purpose", "label": "Keperluan", "type": "text", "required": True}],
    "requirements": [],
}


def published_service(*, workflow: str = "simple", owner: Any = None, **fields: Any) -> Service:
    ensure_default_workflows()
    n = next(_counter)
    category, _ = ServiceCategory.objects.get_or_create(code="uji", defaults={"name": "Uji"})
    defaults = {
        "code": f"UJI-{n}",
        "name": f"Layanan Uji {n}",
        "owner": owner or OrganizationFactory(),
        "category": category,
        "sla_days": 5,
        "is_published": True,
    }
    defaults.update(fields)
    service = Service.objects.create(**defaults)
    version = ServiceVersion.objects.create(
        service=service, number=1, form_definition=SIMPLE_FORM, workflow=Workflow.objects.get(code=workflow)
    )
    service.current_version = version
    service.save(update_fields=["current_version"])
    return service


def staff_with_role(organization: Any, role: str) -> Any:
    return MembershipFactory(organization=organization, role=role).user


def submitted_case(*, service: Any = None, applicant: Any = None, **kwargs: Any) -> Any:
    service = service or published_service()
    applicant = applicant or UserFactory(citizen=True)
    return case_create(
        actor=applicant,
        service_version=service.current_version,
        answers=kwargs.pop("answers", {"purpose": "Melamar kerja"}),
        channel=kwargs.pop("channel", Channel.WEB),
        **kwargs,
    )
