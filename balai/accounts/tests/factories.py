"""Shared factories for people. Other apps import these.

``UserFactory()`` is a citizen with an e-mail address and the password ``DEFAULT_PASSWORD``.
Traits: ``citizen``, ``staff`` (kind staff — government staff, no /admin/ access), ``superuser``
(platform administrator, /admin/), ``verified`` (e-mail, and phone when present, verified), ``with_phone``.
``ProfileFactory()`` is a citizen profile with a structurally valid NIK that agrees with its birth date and
sex; pass ``district=``/``village=`` when needed.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from balai.accounts.models import CitizenProfile, Sex, User, UserKind
from balai.accounts.nik import make_nik

DEFAULT_PASSWORD = "kata-sandi-uji-1234"  # noqa: S105 - test-only password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"warga{n}@contoh.test")
    phone = None
    full_name = factory.Sequence(lambda n: f"Warga Uji {n}")
    kind = UserKind.CITIZEN
    is_active = True
    is_staff = False
    is_superuser = False
    language = "id"
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Params:
        citizen = factory.Trait(kind=UserKind.CITIZEN, is_staff=False, is_superuser=False)
        staff = factory.Trait(
            kind=UserKind.STAFF,
            email=factory.Sequence(lambda n: f"pegawai{n}@contoh.test"),
            full_name=factory.Sequence(lambda n: f"Pegawai Uji {n}"),
        )
        superuser = factory.Trait(
            kind=UserKind.STAFF,
            is_staff=True,
            is_superuser=True,
            email=factory.Sequence(lambda n: f"admin{n}@contoh.test"),
            full_name=factory.Sequence(lambda n: f"Admin Uji {n}"),
        )
        with_phone = factory.Trait(phone=factory.Sequence(lambda n: f"+62812{n % 10_000_000:07d}0"[:14]))
        verified = factory.Trait(
            email_verified_at=factory.LazyFunction(timezone.now),
            phone_verified_at=factory.LazyAttribute(lambda o: timezone.now() if o.phone else None),
        )


def _birth_date(n: int) -> datetime.date:
    return datetime.date(1970 + n % 35, 1 + n % 12, 1 + n % 28)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CitizenProfile

    user = factory.SubFactory(UserFactory, citizen=True)
    birth_date = factory.Sequence(_birth_date)
    sex = factory.Sequence(lambda n: Sex.FEMALE if n % 2 else Sex.MALE)
    nik = factory.LazyAttributeSequence(
        lambda o, n: make_nik(o.birth_date, o.sex, region="320101", serial=1 + n % 9999) if o.birth_date else ""
    )
    address = factory.Sequence(lambda n: f"Jl. Merdeka No. {n + 1}, RT 001/RW 002")
    district = None
    village = None
