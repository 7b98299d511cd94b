"""Phone numbers are encrypted at rest and found through their blind index."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from balai.accounts.models import User
from balai.accounts.models.user import phone_blind_index
from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def raw_row(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_index FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def test_local_and_international_spellings_resolve_to_the_same_user():
    user = User.objects.create_user(phone="0812-3456-7890", password=DEFAULT_PASSWORD, full_name="Siti")
    assert user.phone == "+6281234567890"
    for spelling in ["081234567890", "+6281234567890", "62 812 3456 7890", " 0812 3456 7890 "]:
        assert User.objects.get_by_identifier(spelling) == user
        assert User.objects.get_by_phone(spelling) == user


def test_the_raw_column_does_not_contain_the_number():
    user = UserFactory(phone="081234567890")
    phone, index = raw_row(user)
    for fragment in ["81234567890", "+6281234567890", "1234567890"]:
        assert fragment not in phone
        assert fragment not in index
    assert index == phone_blind_index("+6281234567890")


def test_email_lookup_is_case_insensitive():
    user = UserFactory(email="budi@contoh.test")
    assert User.objects.get_by_identifier("  BUDI@Contoh.Test ") == user


@pytest.mark.parametrize("identifier", ["", "   ", "nobody@contoh.test", "081299999999", "bukan nomor", "<b>x</b>"])
def test_unknown_identifiers_raise_does_not_exist(identifier):
    UserFactory(phone="081234567890")
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_identifier(identifier)


def test_assigning_phone_directly_keeps_the_index_in_sync():
    user = UserFactory(phone="081234567890")
    user.phone = "081298765432"
    user.save()
    assert User.objects.get_by_identifier("+6281298765432") == user
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_identifier("081234567890")
    user.phone = None
    user.save(update_fields=["phone"])
    assert raw_row(user) == (None, None)


def test_set_phone_sets_the_number_and_index():
    user = UserFactory()
    user.set_phone("0812 3456 7890")
    assert user.phone == "+6281234567890"
    assert user.phone_index == phone_blind_index("+6281234567890")
    user.set_phone("")
    assert user.phone is None and user.phone_index is None


def test_a_number_used_by_another_account_gets_a_clear_message():
    UserFactory(phone="081234567890")
    other = UserFactory(email="lain@contoh.test")
    other.phone = "+62 812-3456-7890"
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            other.full_clean()
        assert info.value.message_dict["phone"] == ["This mobile number is already used by another account."]
    assert "phone_index" not in info.value.message_dict
    with translation.override("id"):
        assert info.value.message_dict["phone"] == ["Nomor HP ini sudah dipakai oleh akun lain."]


def test_the_database_refuses_a_duplicate_number_too():
    UserFactory(phone="081234567890")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(phone="+6281234567890")


def test_an_invalid_number_is_refused_on_clean():
    user = UserFactory()
    user.phone = "12"
    with pytest.raises(ValidationError) as info:
        user.full_clean()
    assert "phone" in info.value.message_dict


def test_create_user_with_phone_only():
    user = User.objects.create_user(phone="081234567890", password=DEFAULT_PASSWORD, full_name="Ani")
    assert user.email is None
    assert user.check_password(DEFAULT_PASSWORD)
    assert User.objects.get_by_identifier("081234567890").pk == user.pk


def test_a_stored_number_that_no_longer_validates_does_not_break_other_saves():
    user = UserFactory(phone="081234567890")
    User.objects.filter(pk=user.pk).update(phone="+620000")  # e.g. phone metadata changed since
    user = User.objects.get(pk=user.pk)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert User.objects.get(pk=user.pk).phone == "+620000"
