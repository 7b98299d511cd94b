"""Editing the catalogue in /admin/ goes through the services: new versions on form/workflow changes."""

import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.services.models import Service

from .factories import SIMPLE_DEFINITION, ServiceFactory, default_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(superuser=True)
    device = TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _post_data(service, **overrides):
    data = {
        "name": service.name,
        "name_en": service.name_en,
        "owner": service.owner_id,
        "category": service.category_id,
        "kind": service.kind,
        "is_published": "on" if service.is_published else "",
        "summary": "",
        "summary_en": "",
        "description": "",
        "description_en": "",
        "eligibility": "",
        "eligibility_en": "",
        "steps": "",
        "steps_en": "",
        "legal_basis": "[]",
        "output": "{}",
        "sla_days": service.sla_days,
        "sla_extension_days": "",
        "fee_kind": service.fee_kind,
        "fee_amount": "",
        "fee_rule": "",
        "routing": service.routing,
        "extra": "{}",
        "form_definition": json.dumps(service.current_version.form_definition),
        "workflow": service.current_version.workflow_id,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_changing_the_form_creates_version_two(admin_client):
    service = ServiceFactory()
    changed = {**SIMPLE_DEFINITION, "fields": [{"code": "alasan", "label": "Alasan", "type": "textarea"}]}
    url = reverse("admin:services_service_change", args=[service.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, _post_data(service, form_definition=json.dumps(changed)))
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.current_version.number == 2
    assert service.current_version.fields[0]["code"] == "alasan"
    assert service.versions.get(number=1).form_definition == SIMPLE_DEFINITION


def test_admin_editing_only_the_text_keeps_the_version(admin_client):
    service = ServiceFactory()
    url = reverse("admin:services_service_change", args=[service.pk])
    response = admin_client.post(url, _post_data(service, summary="Ringkasan baru"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.summary == "Ringkasan baru" and service.current_version.number == 1
    assert AuditEvent.objects.filter(action="service.updated", object_id=str(service.pk)).exists()


def test_admin_changing_the_workflow_creates_a_version(admin_client):
    service = ServiceFactory()
    url = reverse("admin:services_service_change", args=[service.pk])
    admin_client.post(url, _post_data(service, workflow=default_workflow("recommendation").pk))
    service.refresh_from_db()
    assert service.current_version.workflow.code == "recommendation" and service.current_version.number == 2


def test_admin_malformed_definition_is_shown_and_nothing_changes(admin_client):
    service = ServiceFactory()
    url = reverse("admin:services_service_change", args=[service.pk])
    bad = {"fields": [{"code": "a", "label": "A", "type": "hologram"}]}
    response = admin_client.post(url, _post_data(service, form_definition=json.dumps(bad), summary="x"))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    service.refresh_from_db()
    assert service.current_version.number == 1 and service.summary == ""


def test_admin_adds_a_service(admin_client):
    template = ServiceFactory()
    data = _post_data(template, code="BARU", name="Layanan Baru")
    response = admin_client.post(reverse("admin:services_service_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Service.objects.get(code="BARU")
    assert created.current_version.number == 1 and created.is_published
