"""``GET /api/v1/me``: one's own profile, NIK and phone masked; nobody else's; anonymous refused."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.api.tests.conftest import signed_in
from balai.api.tests.test_auth import assert_error
from balai.organizations.tests.factories import DistrictFactory, MembershipFactory, VillageFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me"


def test_anonymous_gets_401():
    assert_error(Client().get(URL), 401, "not_authenticated")


def test_citizen_sees_own_profile_with_the_nik_masked():
    district = DistrictFactory(code="32.01.01", name="Cibinong")
    village = VillageFactory(district=district, code="32.01.01.2001", name="Pakansari")
    profile = ProfileFactory(
        user=UserFactory(citizen=True, verified=True, with_phone=True), district=district, village=village
    )
    user = profile.user
    response = signed_in(user).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["full_name"] == user.full_name
    assert body["kind"] == "citizen"
    assert body["email_verified"] is True
    nik = profile.nik
    assert body["profile"]["nik_masked"] == nik[:4] + "••••••••" + nik[-4:]
    assert nik not in response.content.decode()  # never the full NIK, anywhere in the answer
    assert user.phone not in response.content.decode()
    assert body["phone"] and body["phone"] != user.phone
    assert body["profile"]["district"] == {"code": "32.01.01", "name": "Cibinong"}
    assert body["profile"]["village"] == {"code": "32.01.01.2001", "name": "Pakansari"}
    assert body["profile"]["birth_date"] == profile.birth_date.isoformat()
    assert "nik" not in body["profile"]


def test_citizen_without_profile_gets_null_profile(citizen):
    body = signed_in(citizen).get(URL).json()
    assert body["profile"] is None
    assert body["memberships"] == []


def test_each_person_sees_only_themself(citizen):
    other = ProfileFactory()
    body = signed_in(citizen).get(URL).json()
    assert body["id"] == citizen.pk
    assert other.nik[-4:] not in str(body.get("profile"))


def test_staff_with_otp_sees_memberships(staff):
    membership = MembershipFactory(user=staff)
    body = signed_in(staff, otp=True).get(URL).json()
    assert body["memberships"] == [
        {
            "organization": membership.organization.code,
            "organization_name": membership.organization.name,
            "role": membership.role,
        }
    ]


def test_api_key_gives_the_owners_profile(make_key):
    profile = ProfileFactory()
    _key, clear = make_key(profile.user)
    body = Client().get(URL, headers={"authorization": f"Bearer {clear}"}).json()
    assert body["id"] == profile.user.pk
    assert profile.nik not in str(body)


def test_query_budget(django_assert_max_num_queries):
    profile = ProfileFactory(district=DistrictFactory(), village=None)
    client = signed_in(profile.user)
    with django_assert_max_num_queries(5):
        assert client.get(URL).status_code == 200
