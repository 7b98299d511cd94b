"""The admin writes organizations and memberships through the audited services."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.models import UserKind
from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.organizations.models import Membership, Organization

from .factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="default", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _org_form(**overrides):
    data = {
        "code": "DINKES",
        "name": "Dinas Kesehatan",
        "name_en": "",
        "kind": "dinas",
        "parent": "",
        "description": "",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
        "opening_hours": "",
        "is_active": "on",
        # the read-only units inline still posts its management form
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_adding_an_organization_is_audited(admin_client, admin_user):
    response = admin_client.post(reverse("admin:organizations_organization_add"), _org_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    organization = Organization.objects.get(code="DINKES")
    event = AuditEvent.objects.get(action="organization.created")
    assert event.actor == admin_user and event.object_id == str(organization.pk)


def test_changing_an_organization_is_audited(admin_client):
    organization = OrganizationFactory(code="DLH", name="Dinas LH")
    url = reverse("admin:organizations_organization_change", args=[organization.pk])
    response = admin_client.post(url, _org_form(code="DLH", name="Dinas Lingkungan Hidup"))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Dinas Lingkungan Hidup"
    assert AuditEvent.objects.get(action="organization.updated").summary["changed"]["name"][1] == (
        "Dinas Lingkungan Hidup"
    )


def test_organization_change_page_shows_units_read_only(admin_client):
    parent = OrganizationFactory(code="SETDA")
    OrganizationFactory(code="SETDA-HKM", name="Bagian Hukum", parent=parent)
    response = admin_client.get(reverse("admin:organizations_organization_change", args=[parent.pk]))
    assert response.status_code == 200
    assert "Bagian Hukum" in response.content.decode()


def test_bad_organization_input_shows_errors_and_stores_nothing(admin_client):
    response = admin_client.post(reverse("admin:organizations_organization_add"), _org_form(code="bad code!"))
    assert response.status_code == 200
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="organization.").exists()


def test_granting_a_membership_in_the_admin_is_audited(admin_client):
    organization = OrganizationFactory()
    person = UserFactory()
    response = admin_client.post(
        reverse("admin:organizations_membership_add"),
        {"user": person.pk, "organization": organization.pk, "role": "verifier"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=person)
    assert membership.role == "verifier"
    person.refresh_from_db()
    assert person.kind == UserKind.STAFF
    assert AuditEvent.objects.filter(action="membership.granted", object_id=str(membership.pk)).exists()


def test_duplicate_membership_in_the_admin_is_a_form_error(admin_client):
    membership = MembershipFactory()
    response = admin_client.post(
        reverse("admin:organizations_membership_add"),
        {"user": membership.user.pk, "organization": membership.organization.pk, "role": membership.role},
    )
    assert response.status_code == 200
    assert Membership.objects.count() == 1


def test_changing_the_role_in_the_admin_keeps_history(admin_client):
    membership = MembershipFactory(role="verifier")
    response = admin_client.post(
        reverse("admin:organizations_membership_change", args=[membership.pk]), {"role": "approver"}
    )
    assert response.status_code == 302
    assert {(m.role, m.is_active) for m in Membership.objects.all()} == {("verifier", False), ("approver", True)}
    assert AuditEvent.objects.filter(action="membership.role_changed").exists()


def test_deleting_a_membership_in_the_admin_ends_it(admin_client):
    membership = MembershipFactory()
    response = admin_client.post(
        reverse("admin:organizations_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert AuditEvent.objects.filter(action="membership.revoked").exists()


def test_revoke_action_ends_selected(admin_client):
    memberships = MembershipFactory.create_batch(2)
    response = admin_client.post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "revoke_selected", "_selected_action": [m.pk for m in memberships]},
    )
    assert response.status_code == 302
    assert Membership.objects.active().count() == 0
    assert AuditEvent.objects.filter(action="membership.revoked").count() == 2


def test_org_admin_form_refuses_other_organizations():
    """The admin form checks the actor's rights before anything reaches the service."""
    from django.test import RequestFactory

    from balai.organizations.admin import MembershipAdmin
    from balai.organizations.models import Membership as M

    own = OrganizationFactory()
    other = OrganizationFactory()
    actor = MembershipFactory(organization=own, administrator=True).user
    request = RequestFactory().post("/")
    request.user = actor
    from django.contrib import admin

    form_class = MembershipAdmin(M, admin.site).get_form(request)
    person = UserFactory()
    form = form_class(data={"user": person.pk, "organization": other.pk, "role": "verifier"})
    assert not form.is_valid()
    assert "organization" in form.errors
    form = form_class(data={"user": person.pk, "organization": own.pk, "role": "verifier"})
    assert form.is_valid(), form.errors


def test_membership_read_only_inline_cannot_add_or_change():
    from django.contrib import admin
    from django.test import RequestFactory

    from balai.accounts.models import User
    from balai.organizations.admin import MembershipReadOnlyInline

    inline = MembershipReadOnlyInline(User, admin.site)
    request = RequestFactory().get("/")
    request.user = UserFactory(superuser=True)
    assert not inline.has_add_permission(request)
    assert not inline.has_change_permission(request)
    assert not inline.has_delete_permission(request)
