"""Factories for the service catalogue. Other apps import these.

``ServiceFactory()`` is a published, free application service with version 1 (a one-field form and the
``simple`` workflow). Traits: ``unpublished``, ``fixed_fee``, ``information`` (no version).
"""

from __future__ import annotations

import factory

from balai.organizations.tests.factories import OrganizationFactory
from balai.services.models import FeeKind, Service, ServiceCategory, ServiceKind, ServiceVersion
from balai.services.services import search_text_for

SIMPLE_DEFINITION = {
    "fields": [{"code": "note", "label": "Keterangan", "label_en": "Note", "type": "text", "required": True}],
    "requirements": [{"code": "kk", "name": "Kartu Keluarga", "file": ["pdf", "jpg"], "max_mb": 5}],
}


def default_workflow(code: str = "simple"):  # noqa: ANN201
    from balai.cases.models import Workflow
    from balai.cases.workflows import ensure_default_workflows

    workflow = Workflow.objects.filter(code=code).first()
    if workflow is None:
        ensure_default_workflows()
        workflow = Workflow.objects.get(code=code)
    return workflow


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kategori{n}")
    name = factory.Sequence(lambda n: f"Kategori Uji {n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    position = factory.Sequence(lambda n: n)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"LAYANAN-{n}")
    name = factory.Sequence(lambda n: f"Layanan Uji {n}")
    name_en = factory.Sequence(lambda n: f"Test service {n}")
    owner = factory.SubFactory(OrganizationFactory)
    category = factory.SubFactory(ServiceCategoryFactory)
    kind = ServiceKind.APPLICATION
    sla_days = 3
    fee_kind = FeeKind.FREE
    is_published = True
    summary = ""

    class Params:
        unpublished = factory.Trait(is_published=False)
        fixed_fee = factory.Trait(fee_kind=FeeKind.FIXED, fee_amount=100000)
        information = factory.Trait(kind=ServiceKind.INFORMATION)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805
        obj.search_text = search_text_for(obj)
        if create:
            Service.objects.filter(pk=obj.pk).update(search_text=obj.search_text)

    @factory.post_generation
    def with_version(obj, create, extracted, **kwargs):  # noqa: N805
        if not create or extracted is False or obj.kind == ServiceKind.INFORMATION:
            return
        version = ServiceVersion.objects.create(
            service=obj, number=1, form_definition=SIMPLE_DEFINITION, workflow=default_workflow()
        )
        Service.objects.filter(pk=obj.pk).update(current_version=version)
        obj.current_version = version
