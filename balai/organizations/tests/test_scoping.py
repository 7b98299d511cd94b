"""Who may see and act on which organizations (and so on which records)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.organizations.scoping import (
    can_act_on,
    is_platform_admin,
    organization_ids_for,
    organizations_for,
    roles_in,
)

from .factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """SETDA > SETDA-PBJ > SETDA-PBJ-1; DISDUK alone; OTHER alone."""
    setda = OrganizationFactory(code="SETDA")
    pbj = OrganizationFactory(code="SETDA-PBJ", parent=setda)
    pbj1 = OrganizationFactory(code="SETDA-PBJ-1", parent=pbj)
    disduk = OrganizationFactory(code="DISDUK")
    other = OrganizationFactory(code="OTHER")
    return {"setda": setda, "pbj": pbj, "pbj1": pbj1, "disduk": disduk, "other": other}


def test_anonymous_and_citizen_see_nothing(tree):
    for user in (AnonymousUser(), UserFactory(), None):
        assert organization_ids_for(user) == set()
        assert organizations_for(user).count() == 0
        assert not can_act_on(user, tree["setda"])
        assert roles_in(user, tree["setda"]) == set()
        assert not is_platform_admin(user)


def test_citizen_with_a_stray_membership_still_sees_nothing(tree):
    citizen = UserFactory()
    MembershipFactory(user=citizen, organization=tree["setda"])
    assert organization_ids_for(citizen) == set()


def test_staff_see_their_organization_and_all_units_below(tree):
    membership = MembershipFactory(organization=tree["setda"])
    ids = organization_ids_for(membership.user)
    assert ids == {tree["setda"].pk, tree["pbj"].pk, tree["pbj1"].pk}
    assert set(organizations_for(membership.user)) == {tree["setda"], tree["pbj"], tree["pbj1"]}
    assert can_act_on(membership.user, tree["pbj1"])
    assert not can_act_on(membership.user, tree["disduk"])


def test_staff_of_a_unit_do_not_see_the_parent_or_siblings(tree):
    membership = MembershipFactory(organization=tree["pbj"])
    assert organization_ids_for(membership.user) == {tree["pbj"].pk, tree["pbj1"].pk}
    assert not can_act_on(membership.user, tree["setda"])


def test_roles_filter_limits_scope(tree):
    user = UserFactory(staff=True)
    MembershipFactory(user=user, organization=tree["setda"], role="verifier")
    MembershipFactory(user=user, organization=tree["disduk"], role="approver")
    assert organization_ids_for(user, roles=["approver"]) == {tree["disduk"].pk}
    assert can_act_on(user, tree["pbj1"], roles=["verifier"])
    assert not can_act_on(user, tree["pbj1"], roles=["approver"])
    assert organization_ids_for(user, roles=[]) == set()


def test_roles_in_includes_roles_inherited_from_parents(tree):
    user = UserFactory(staff=True)
    MembershipFactory(user=user, organization=tree["setda"], role="head")
    MembershipFactory(user=user, organization=tree["pbj"], role="procurement_officer")
    assert roles_in(user, tree["pbj1"]) == {"head", "procurement_officer"}
    assert roles_in(user, tree["setda"]) == {"head"}
    assert roles_in(user, tree["other"]) == set()
    assert roles_in(user, tree["pbj"].pk) == {"head", "procurement_officer"}


def test_ended_membership_gives_nothing(tree):
    membership = MembershipFactory(organization=tree["setda"], ended_at=timezone.now())
    assert organization_ids_for(membership.user) == set()
    assert not can_act_on(membership.user, tree["setda"])


def test_membership_in_an_inactive_organization_gives_nothing(tree):
    inactive = OrganizationFactory(inactive=True)
    membership = MembershipFactory(organization=inactive)
    assert organization_ids_for(membership.user) == set()


def test_deactivated_staff_account_sees_nothing(tree):
    membership = MembershipFactory(organization=tree["setda"], user__is_active=False)
    assert organization_ids_for(membership.user) == set()


def test_platform_admin_sees_and_acts_everywhere(tree):
    admin = UserFactory(superuser=True)
    assert is_platform_admin(admin)
    assert organization_ids_for(admin) == {o.pk for o in tree.values()}
    assert organizations_for(admin).count() == 5
    assert can_act_on(admin, tree["other"], roles=["verifier"])
    assert roles_in(admin, tree["other"]) == set()


def test_inactive_superuser_is_not_a_platform_admin():
    assert not is_platform_admin(UserFactory(superuser=True, is_active=False))


def test_query_count_is_constant_whatever_the_depth(django_assert_max_num_queries):
    parent = OrganizationFactory()
    root = parent
    for _ in range(6):
        parent = OrganizationFactory(parent=parent)
    membership = MembershipFactory(organization=root)
    with django_assert_max_num_queries(2):
        assert len(organization_ids_for(membership.user)) == 7
    with django_assert_max_num_queries(2):
        assert can_act_on(membership.user, parent)
    with django_assert_max_num_queries(3):
        assert len(list(organizations_for(membership.user))) == 7
