"""Writes to the catalogue: permission, validation, audit, and versioning of forms and workflows."""

import pytest

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.core.exceptions import PermissionDenied, ValidationFailed
from balai.organizations.models import Role
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory
from balai.services.models import Service, ServiceVersion
from balai.services.services import (
    service_category_update,
    service_change_form,
    service_create,
    service_update,
    service_version_create,
)

from .factories import SIMPLE_DEFINITION, ServiceCategoryFactory, ServiceFactory, default_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(superuser=True)


def test_create_with_version_one_and_publish(admin):
    owner = OrganizationFactory(code="DISDUKCAPIL", name="Dinas Kependudukan")
    service = service_create(
        actor=admin,
        code="akta-lahir",
        name="Penerbitan Akta Kelahiran",
        owner=owner,
        category=ServiceCategoryFactory(),
        form_definition=SIMPLE_DEFINITION,
        workflow=default_workflow(),
        is_published=True,
    )
    assert service.code == "AKTA-LAHIR"
    assert service.is_published
    assert service.current_version.number == 1
    assert "lahir" in service.search_text.split() and "disdukcapil" in service.search_text.split()
    assert AuditEvent.objects.filter(action="service.created", object_id=str(service.pk)).exists()
    assert AuditEvent.objects.filter(action="service.version_created").count() == 1


def test_editing_the_form_creates_a_new_version_and_keeps_the_old_one(admin):
    service = ServiceFactory()
    first = service.current_version
    changed = {
        **SIMPLE_DEFINITION,
        "fields": [*SIMPLE_DEFINITION["fields"], {"code": "extra", "label": "Tambahan", "type": "text"}],
    }
    second = service_version_create(actor=admin, service=service, form_definition=changed, workflow=first.workflow)
    service.refresh_from_db()
    first.refresh_from_db()
    assert second.number == 2
    assert service.current_version == second
    assert second.created_by == admin
    assert first.form_definition == SIMPLE_DEFINITION  # cases submitted under v1 keep its rules
    assert [f["code"] for f in second.fields] == ["note", "extra"]
    assert AuditEvent.objects.filter(action="service.version_created", object_id=str(service.pk)).exists()


def test_changing_the_workflow_creates_a_new_version_and_an_unchanged_save_does_not(admin):
    service = ServiceFactory()
    assert (
        service_change_form(
            actor=admin, service=service, form_definition=SIMPLE_DEFINITION, workflow=default_workflow()
        )
        is None
    )
    version = service_change_form(
        actor=admin, service=service, form_definition=SIMPLE_DEFINITION, workflow=default_workflow("recommendation")
    )
    assert version.number == 2 and version.workflow.code == "recommendation"
    assert ServiceVersion.objects.filter(service=service).count() == 2


@pytest.mark.parametrize(
    "definition",
    [
        {"fields": [{"code": "a", "label": "A", "type": "hologram"}]},
        {"fields": [{"code": "a", "label": "A", "type": "text"}, {"code": "a", "label": "B", "type": "text"}]},
        {"fields": [{"code": "a", "label": "A", "type": "text", "pattern": "(["}]},
        {"fields": [{"code": "a", "label": "A", "type": "choice"}]},
        "not a dict",
    ],
)
def test_a_malformed_form_definition_is_refused_and_nothing_is_stored(admin, definition):
    service = ServiceFactory()
    with pytest.raises(ValidationFailed):
        service_version_create(actor=admin, service=service, form_definition=definition, workflow=default_workflow())
    assert service.versions.count() == 1
    service.refresh_from_db()
    assert service.current_version.number == 1


def test_update_fields_reindexes_and_is_audited(admin):
    service = ServiceFactory(name="Layanan Lama")
    service = service_update(actor=admin, service=service, name="Surat Keterangan Kelahiran", sla_days=5)
    assert service.sla_days == 5
    assert "lahir" in Service.objects.get(pk=service.pk).search_text.split()
    event = AuditEvent.objects.get(action="service.updated", object_id=str(service.pk))
    assert event.summary["changed"]["sla_days"] == [3, 5]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fee_kind": "fixed"}, "fee_amount"),
        ({"fee_kind": "rule", "fee_rule": "retribusi_kapal"}, "fee_rule"),
        ({"name": "x" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"kind": "teleport"}, "kind"),
        ({"sla_days": -1}, "sla_days"),
    ],
)
def test_bad_updates_are_refused_and_nothing_changes(admin, changes, field):
    service = ServiceFactory(name="Tetap")
    with pytest.raises(ValidationFailed) as info:
        service_update(actor=admin, service=service, **changes)
    assert field in info.value.fields
    service.refresh_from_db()
    assert service.name == "Tetap" and service.fee_kind == "free"
    assert not AuditEvent.objects.filter(action="service.updated").exists()


def test_an_application_without_a_form_cannot_be_published(admin):
    service = ServiceFactory(unpublished=True, with_version=False)
    with pytest.raises(ValidationFailed):
        service_update(actor=admin, service=service, is_published=True)


def test_agency_administrator_manages_only_its_own_services():
    membership = MembershipFactory(role=Role.ADMINISTRATOR)
    own = ServiceFactory(owner=membership.organization)
    other = ServiceFactory()
    service_update(actor=membership.user, service=own, summary="Ringkasan baru")
    with pytest.raises(PermissionDenied):
        service_update(actor=membership.user, service=other, summary="Diubah")
    with pytest.raises(PermissionDenied):  # nor give its service away to an agency it does not administer
        service_update(actor=membership.user, service=own, owner=other.owner)
    with pytest.raises(PermissionDenied):
        service_version_create(
            actor=membership.user, service=other, form_definition=SIMPLE_DEFINITION, workflow=default_workflow()
        )


@pytest.mark.parametrize("who", ["citizen", "verifier", "anonymous"])
def test_others_are_refused(who):
    from django.contrib.auth.models import AnonymousUser

    service = ServiceFactory()
    actor = {
        "citizen": lambda: UserFactory(),
        "verifier": lambda: MembershipFactory(organization=service.owner, role=Role.VERIFIER).user,
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        service_update(actor=actor, service=service, name="Diretas")
    with pytest.raises(PermissionDenied):
        service_create(actor=actor, code="BARU", name="Baru", owner=service.owner, category=service.category)
    assert Service.objects.get(pk=service.pk).name != "Diretas"


def test_renaming_a_category_reindexes_its_services(admin):
    service = ServiceFactory()
    service_category_update(actor=admin, category=service.category, name="Perizinan Usaha")
    assert "izin" in Service.objects.get(pk=service.pk).search_text.split()
    with pytest.raises(PermissionDenied):
        service_category_update(actor=UserFactory(), category=service.category, name="X")


def test_reindex_after_an_agency_was_renamed():
    from io import StringIO

    from django.core.management import call_command

    service = ServiceFactory()
    service.owner.__class__.objects.filter(pk=service.owner_id).update(name="Dinas Perizinan Terpadu")
    assert "izin" not in Service.objects.get(pk=service.pk).search_text.split()
    out = StringIO()
    call_command("reindex_services", stdout=out)
    assert out.getvalue().startswith("1 service")
    assert "izin" in Service.objects.get(pk=service.pk).search_text.split()
