"""Factories for organizations, regions and memberships. Other apps import these."""

import factory

from balai.accounts.tests.factories import UserFactory
from balai.organizations.models import District, Membership, Organization, OrganizationKind, Role, Village


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"OPD{n}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    kind = OrganizationKind.DINAS
    address = "Jl. Merdeka No. 1, Kota Lama"
    opening_hours = "Senin–Jumat 08.00–15.00"

    class Params:
        inactive = factory.Trait(is_active=False)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"32.01.{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Kecamatan Uji {n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"32.01.01.{1000 + n % 9000:04d}")
    name = factory.Sequence(lambda n: f"Desa Uji {n}")
    kind = "desa"


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership written directly (test set-up); production code uses membership_grant."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, staff=True)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.VERIFIER

    class Params:
        administrator = factory.Trait(role=Role.ADMINISTRATOR)
