"""Creating and changing organizations and memberships: who may, what is stored, what is audited."""

import pytest
from django.db import IntegrityError, transaction

from balai.accounts.models import UserKind
from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.audit.services import audit_verify_chain
from balai.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from balai.organizations.models import Membership, Organization
from balai.organizations.services import (
    membership_change_role,
    membership_grant,
    membership_revoke,
    organization_create,
    organization_update,
)

from .factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin():
    return UserFactory(superuser=True)


@pytest.fixture
def org():
    return OrganizationFactory(code="DISDUK")


@pytest.fixture
def org_admin(org):
    return MembershipFactory(organization=org, administrator=True).user


# --- organizations --------------------------------------------------------------------------------


def test_platform_admin_creates_an_organization_and_it_is_audited(platform_admin):
    organization = organization_create(
        actor=platform_admin, code="dinkes", name="Dinas Kesehatan", kind="dinas", phone="(0263) 123456"
    )
    assert organization.code == "DINKES"
    event = AuditEvent.objects.get(action="organization.created")
    assert (event.actor, event.object_type, event.object_id) == (
        platform_admin,
        "organizations.organization",
        str(organization.pk),
    )
    assert event.summary["code"] == "DINKES"


def test_org_admin_creates_a_unit_below_their_organization(org, org_admin):
    unit = organization_create(actor=org_admin, code="DISDUK-A", name="Bidang A", kind="bagian", parent=org)
    assert unit.parent == org


@pytest.mark.parametrize("who", ["citizen", "staff", "org_admin_top_level", "other_org_admin"])
def test_others_may_not_create(who, org, org_admin):
    actor = {
        "citizen": lambda: UserFactory(),
        "staff": lambda: MembershipFactory(organization=org, role="verifier").user,
        "org_admin_top_level": lambda: org_admin,
        "other_org_admin": lambda: MembershipFactory(administrator=True).user,
    }[who]()
    parent = None if who == "org_admin_top_level" else org
    with pytest.raises(PermissionDenied):
        organization_create(actor=actor, code="NEW", name="Baru", kind="dinas", parent=parent)
    assert not Organization.objects.filter(code="NEW").exists()
    assert not AuditEvent.objects.filter(action="organization.created").exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"code": "", "name": "X", "kind": "dinas"}, "code"),
        ({"code": "bad code!", "name": "X", "kind": "dinas"}, "code"),
        ({"code": "X" * 40, "name": "X", "kind": "dinas"}, "code"),
        ({"code": "OK", "name": "", "kind": "dinas"}, "name"),
        ({"code": "OK", "name": "X" * 201, "kind": "dinas"}, "name"),
        ({"code": "OK", "name": "X", "kind": "ministry"}, "kind"),
        ({"code": "OK", "name": "X", "kind": "dinas", "email": "not-an-email"}, "email"),
        ({"code": "OK", "name": "X", "kind": "dinas", "website": "javascript:alert(1)"}, "website"),
        ({"code": "DISDUK", "name": "X", "kind": "dinas"}, "code"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_stored(platform_admin, org, fields, error_field):
    before = Organization.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        organization_create(actor=platform_admin, **fields)
    assert error_field in exc.value.fields
    assert Organization.objects.count() == before


def test_hostile_html_is_stored_as_text(platform_admin):
    organization = organization_create(actor=platform_admin, code="H", name="<script>alert(1)</script>", kind="dinas")
    assert organization.name == "<script>alert(1)</script>"


def test_update_records_what_changed(org, org_admin):
    organization_update(actor=org_admin, organization=org, phone="0263 555", opening_hours="Senin 08.00")
    org.refresh_from_db()
    assert org.phone == "0263 555"
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.summary["changed"]["phone"] == ["", "0263 555"]


def test_update_without_changes_writes_nothing(org, org_admin):
    organization_update(actor=org_admin, organization=org, name=org.name)
    assert not AuditEvent.objects.filter(action="organization.updated").exists()


def test_update_refused_for_staff_without_administrator_role(org):
    verifier = MembershipFactory(organization=org, role="verifier").user
    with pytest.raises(PermissionDenied):
        organization_update(actor=verifier, organization=org, name="Diubah")
    org.refresh_from_db()
    assert org.name != "Diubah"


def test_unit_cannot_become_its_own_ancestor(platform_admin, org):
    unit = OrganizationFactory(parent=org)
    with pytest.raises(ValidationFailed) as exc:
        organization_update(actor=platform_admin, organization=org, parent=unit)
    assert "parent" in exc.value.fields
    with pytest.raises(ValidationFailed):
        organization_update(actor=platform_admin, organization=org, parent=org)


def test_org_admin_may_not_move_a_unit_out_of_their_tree(org, org_admin):
    unit = OrganizationFactory(parent=org)
    elsewhere = OrganizationFactory()
    with pytest.raises(PermissionDenied):
        organization_update(actor=org_admin, organization=unit, parent=elsewhere)
    with pytest.raises(PermissionDenied):
        organization_update(actor=org_admin, organization=unit, parent=None)


def test_unknown_field_is_a_programming_error(platform_admin, org):
    with pytest.raises(ValueError):
        organization_update(actor=platform_admin, organization=org, code="NEWCODE")


# --- memberships ----------------------------------------------------------------------------------


def test_grant_makes_the_person_staff_and_is_audited(org, org_admin):
    citizen = UserFactory()
    membership = membership_grant(actor=org_admin, user=citizen, organization=org, role="verifier")
    citizen.refresh_from_db()
    assert citizen.kind == UserKind.STAFF
    assert membership.granted_by == org_admin and membership.is_active
    event = AuditEvent.objects.get(action="membership.granted")
    assert event.summary == {"user_id": citizen.pk, "organization": "DISDUK", "role": "verifier", "became_staff": True}
    assert audit_verify_chain().ok


def test_org_admin_grants_in_units_too(org, org_admin):
    unit = OrganizationFactory(parent=org)
    membership_grant(actor=org_admin, user=UserFactory(), organization=unit, role="responder")


@pytest.mark.parametrize("who", ["citizen", "verifier", "other_org_admin", "anonymous"])
def test_grant_refused_for_everyone_else(who, org):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "citizen": lambda: UserFactory(),
        "verifier": lambda: MembershipFactory(organization=org, role="verifier").user,
        "other_org_admin": lambda: MembershipFactory(administrator=True).user,
        "anonymous": AnonymousUser,
    }[who]()
    target = UserFactory()
    with pytest.raises(PermissionDenied):
        membership_grant(actor=actor, user=target, organization=org, role="administrator")
    assert not Membership.objects.filter(user=target).exists()
    target.refresh_from_db()
    assert target.kind == UserKind.CITIZEN


def test_org_admin_of_a_unit_may_not_grant_in_the_parent(org):
    unit = OrganizationFactory(parent=org)
    unit_admin = MembershipFactory(organization=unit, administrator=True).user
    with pytest.raises(PermissionDenied):
        membership_grant(actor=unit_admin, user=UserFactory(), organization=org, role="verifier")


def test_grant_twice_is_a_conflict_and_the_database_refuses_duplicates(org, org_admin):
    user = UserFactory()
    membership_grant(actor=org_admin, user=user, organization=org, role="verifier")
    with pytest.raises(Conflict):
        membership_grant(actor=org_admin, user=user, organization=org, role="verifier")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organization=org, role="verifier")


def test_grant_invalid_role_or_inactive_person_refused(org, org_admin):
    with pytest.raises(ValidationFailed):
        membership_grant(actor=org_admin, user=UserFactory(), organization=org, role="king")
    with pytest.raises(ValidationFailed):
        membership_grant(actor=org_admin, user=UserFactory(is_active=False), organization=org, role="verifier")
    assert Membership.objects.filter(organization=org).count() == 1  # only the admin's own


def test_revoke_ends_the_membership_and_allows_a_new_grant(org, org_admin):
    membership = MembershipFactory(organization=org)
    membership_revoke(actor=org_admin, membership=membership)
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert AuditEvent.objects.filter(action="membership.revoked", object_id=str(membership.pk)).exists()
    with pytest.raises(Conflict):
        membership_revoke(actor=org_admin, membership=membership)
    membership_grant(actor=org_admin, user=membership.user, organization=org, role=membership.role)


def test_revoke_refused_for_non_admin(org):
    membership = MembershipFactory(organization=org)
    with pytest.raises(PermissionDenied):
        membership_revoke(actor=membership.user, membership=membership)
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_change_role_ends_the_old_and_starts_a_new_membership(org, org_admin):
    membership = MembershipFactory(organization=org, role="verifier")
    new = membership_change_role(actor=org_admin, membership=membership, role="approver")
    membership.refresh_from_db()
    assert membership.ended_at is not None and new.role == "approver" and new.is_active
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.summary["role"] == ["verifier", "approver"]


def test_change_role_refused_and_conflicts(org, org_admin):
    membership = MembershipFactory(organization=org, role="verifier")
    MembershipFactory(organization=org, user=membership.user, role="approver")
    with pytest.raises(Conflict):
        membership_change_role(actor=org_admin, membership=membership, role="approver")
    with pytest.raises(ValidationFailed):
        membership_change_role(actor=org_admin, membership=membership, role="nope")
    with pytest.raises(PermissionDenied):
        membership_change_role(actor=UserFactory(), membership=membership, role="head")
    membership.refresh_from_db()
    assert membership.role == "verifier" and membership.ended_at is None
