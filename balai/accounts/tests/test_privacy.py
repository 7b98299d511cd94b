"""Personal-data rights (UU 27/2022): the export holds everything about the person and nothing about
anyone else; deletion anonymises, keeps the legally required records, and is audited."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from balai.accounts.models import CitizenProfile, User
from balai.accounts.models.profile import nik_blind_index
from balai.accounts.models.user import phone_blind_index
from balai.accounts.services.privacy import ANONYMISED_NAME, account_delete, personal_data_export
from balai.accounts.tests.factories import DEFAULT_PASSWORD, ProfileFactory, UserFactory
from balai.audit.models import AuditEvent
from balai.audit.services import audit_log
from balai.core.exceptions import PermissionDenied, RateLimited, ValidationFailed
from balai.organizations.tests.factories import MembershipFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(_test_settings):
    """Clear the test cache once the suite's settings are applied (the attempt counters live there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def person():
    village = VillageFactory(name="Pakansari")
    user = UserFactory(
        citizen=True, verified=True, email="siti@contoh.test", phone="081234567890", full_name="Siti Aminah"
    )
    ProfileFactory(user=user, district=village.district, village=village, address="Jl. Melati 5")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def stranger():
    user = UserFactory(citizen=True, email="orang.lain@contoh.test", phone="081299990000", full_name="Orang Lain")
    ProfileFactory(user=user, address="Jl. Rahasia 9")
    audit_log(actor=user, action="account.signed_in", target=user)
    return user


def dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


# --- export --------------------------------------------------------------------------------------------


def test_export_holds_account_profile_and_unmasked_nik(person, stranger):
    data = personal_data_export(actor=person, user=person)
    assert data["format"] == "balai.personal-data-export"
    account = data["account"]
    assert account["id"] == person.pk
    assert account["full_name"] == "Siti Aminah"
    assert account["email"] == "siti@contoh.test"
    assert account["phone"] == "+6281234567890"
    assert account["email_verified_at"] is not None
    profile = data["profile"]
    assert profile["nik"] == person.citizen_profile.nik  # unmasked: it is their own
    assert len(profile["nik"]) == 16 and "•" not in profile["nik"]
    assert profile["address"] == "Jl. Melati 5"
    assert profile["birth_date"] == person.citizen_profile.birth_date.isoformat()
    assert profile["village"]["name"] == "Pakansari"
    json.dumps(data)  # JSON-ready as it is


def test_export_holds_memberships_verifications_messages_and_own_audit_events(person, stranger):
    from balai.accounts.models.verification import VerificationCode
    from balai.notifications.services import send_message

    membership = MembershipFactory(user=person)
    VerificationCode.objects.create(
        user=person,
        purpose="register",
        channel="sms",
        destination_index="x" * 64,
        destination="+6281234567890",
        code_hash="HASHVALUE-should-not-leak",
        salt="SALTVALUE-should-not-leak",
        expires_at=timezone.now(),
    )
    send_message(channel="email", to="siti@contoh.test", subject="Selamat datang", body="Halo Siti", recipient=person)
    send_message(
        channel="sms", to="081234567890", subject="Kode", body="Kode Anda 907531", recipient=person, kind="verification"
    )
    audit_log(actor=person, action="account.signed_in", target=person)

    data = personal_data_export(actor=person, user=person)
    assert data["memberships"] == [
        {
            "organization": {"code": membership.organization.code, "name": membership.organization.name},
            "role": membership.role,
            "created_at": membership.created_at.isoformat(),
            "ended_at": None,
        }
    ]
    (verification,) = data["verifications"]
    assert verification["purpose"] == "register" and verification["destination"] == "+6281234567890"
    assert "HASHVALUE" not in dump(data) and "SALTVALUE" not in dump(data)
    bodies = {m["subject"]: m["body"] for m in data["messages"]}
    assert bodies["Selamat datang"] == "Halo Siti"
    assert bodies["Kode"] is None  # a one-time code is not exported
    assert "907531" not in dump(data)
    actions = [e["action"] for e in data["audit_events"]]
    assert "account.signed_in" in actions


def test_export_holds_nothing_of_another_user(person, stranger):
    text = dump(personal_data_export(actor=person, user=person))
    for value in [
        "orang.lain@contoh.test",
        "Orang Lain",
        "+6281299990000",
        stranger.citizen_profile.nik,
        "Jl. Rahasia 9",
    ]:
        assert value not in text
    assert all(
        e["object_id"] != str(stranger.pk) for e in personal_data_export(actor=person, user=person)["audit_events"]
    )


def test_export_is_audited_without_personal_data(person):
    personal_data_export(actor=person, user=person)
    event = AuditEvent.objects.get(action="account.data_exported")
    assert event.actor_id == person.pk and event.object_id == str(person.pk)
    assert person.citizen_profile.nik not in dump(event.summary)
    assert "siti" not in dump(event.summary).lower()


@pytest.mark.parametrize("who", ["citizen", "staff", "superuser"])
def test_export_is_only_for_the_person_themself(person, who):
    actor = UserFactory(**{who: True})
    with pytest.raises(PermissionDenied):
        personal_data_export(actor=actor, user=person)
    assert not AuditEvent.objects.filter(action="account.data_exported").exists()


def test_export_without_profile(db):
    user = UserFactory()
    data = personal_data_export(actor=user, user=user)
    assert data["profile"] is None
    assert data["memberships"] == []


def test_export_page_explains_and_post_downloads_json(person):
    client = Client()
    client.force_login(person)
    page = client.get("/saya/data/")
    assert page.status_code == 200
    assert b'method="post"' in page.content and b"csrfmiddlewaretoken" in page.content
    response = client.post("/saya/data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="data-pribadi-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "siti@contoh.test"
    assert data["profile"]["nik"] == person.citizen_profile.nik


def test_export_by_get_does_not_download(person):
    client = Client()
    client.force_login(person)
    client.get("/saya/data/")
    assert not AuditEvent.objects.filter(action="account.data_exported").exists()


def test_export_page_needs_csrf(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post("/saya/data/").status_code == 403
    assert not AuditEvent.objects.filter(action="account.data_exported").exists()


# --- deletion ------------------------------------------------------------------------------------------


def raw_user(user):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, email, phone, phone_index, password, is_active, anonymised_at,"
            " email_verified_at, phone_verified_at FROM accounts_user WHERE id = %s",
            [user.pk],
        )
        return cursor.fetchone()


def raw_profile(user):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, nik_index, address, birth_date, sex, district_id, village_id"
            " FROM accounts_citizenprofile WHERE user_id = %s",
            [user.pk],
        )
        return cursor.fetchone()


def test_deletion_anonymises_the_database_rows(person):
    audit_log(actor=person, action="account.signed_in", target=person)
    nik = person.citizen_profile.nik
    account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)

    full_name, email, phone, phone_index, password, is_active, anonymised_at, email_v, phone_v = raw_user(person)
    assert full_name == ANONYMISED_NAME == "Pengguna dihapus"
    assert (email, phone, phone_index, email_v, phone_v) == (None, None, None, None, None)
    assert password.startswith("!")  # unusable
    assert not is_active
    assert anonymised_at is not None
    assert raw_profile(person) == ("", None, "", None, "", None, None)

    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_identifier("siti@contoh.test")
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_identifier("081234567890")
    assert not CitizenProfile.objects.filter(nik_index=nik_blind_index(nik)).exists()
    assert not User.objects.filter(phone_index=phone_blind_index("+6281234567890")).exists()


def test_deletion_keeps_audit_events_pointing_to_the_anonymised_account(person):
    nik = person.citizen_profile.nik
    signed_in = audit_log(actor=person, action="account.signed_in", target=person)
    account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)
    kept = AuditEvent.objects.get(pk=signed_in.pk)
    assert kept.actor_id == person.pk
    deleted = AuditEvent.objects.get(action="account.deleted")
    assert deleted.actor_id == person.pk and deleted.object_id == str(person.pk)
    text = dump({"summary": deleted.summary, "label": deleted.actor_label, "ua": deleted.user_agent})
    for value in ["siti", "Siti", "+62812", "Melati", nik]:
        assert value not in text
    from balai.audit.services import audit_verify_chain

    assert audit_verify_chain().ok


def test_deletion_frees_the_email_phone_and_nik_for_a_new_account(person):
    nik = person.citizen_profile.nik
    birth, sex = person.citizen_profile.birth_date, person.citizen_profile.sex
    account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)
    again = UserFactory(email="siti@contoh.test", phone="081234567890")
    ProfileFactory(user=again, nik=nik, birth_date=birth, sex=sex)
    assert User.objects.get_by_identifier("081234567890") == again


def test_deletion_removes_pending_verification_codes(person):
    from balai.accounts.models.verification import VerificationCode

    VerificationCode.objects.create(
        user=person,
        purpose="change_phone",
        channel="sms",
        destination_index="y" * 64,
        destination="+6281211112222",
        code_hash="h",
        salt="s",
        expires_at=timezone.now(),
    )
    account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)
    assert not VerificationCode.objects.filter(user=person).exists()


@pytest.mark.parametrize("who", ["citizen", "staff", "superuser"])
def test_deletion_is_refused_for_another_actor(person, who):
    actor = UserFactory(**{who: True})
    with pytest.raises(PermissionDenied):
        account_delete(actor=actor, user=person, password=DEFAULT_PASSWORD)
    assert raw_user(person)[0] == "Siti Aminah"
    assert not AuditEvent.objects.filter(action="account.deleted").exists()


@pytest.mark.parametrize("password", ["salah-sekali-123", "", "x" * 5000, "<script>"])
def test_wrong_password_is_refused_and_nothing_changes(person, password):
    before_user, before_profile = raw_user(person), raw_profile(person)
    with pytest.raises(ValidationFailed) as info:
        account_delete(actor=person, user=person, password=password)
    assert "password" in info.value.fields
    assert raw_user(person) == before_user
    assert raw_profile(person) == before_profile
    assert not AuditEvent.objects.filter(action="account.deleted").exists()


def test_repeated_wrong_passwords_are_rate_limited(person):
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            account_delete(actor=person, user=person, password="salah")
    with pytest.raises(RateLimited):
        account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)
    assert raw_user(person)[0] == "Siti Aminah"


def test_staff_accounts_are_not_self_deleted():
    clerk = UserFactory(staff=True)
    with pytest.raises(PermissionDenied):
        account_delete(actor=clerk, user=clerk, password=DEFAULT_PASSWORD)
    assert User.objects.get(pk=clerk.pk).is_active


def test_deleting_twice_is_refused(person):
    account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)
    person.refresh_from_db()
    with pytest.raises((ValidationFailed, PermissionDenied)):
        account_delete(actor=person, user=person, password=DEFAULT_PASSWORD)
    assert AuditEvent.objects.filter(action="account.deleted").count() == 1


def test_delete_page_explains_what_is_kept(person):
    client = Client()
    client.force_login(person)
    client.cookies["balai_language"] = "en"
    html = client.get("/saya/hapus-akun/").content.decode()
    assert "What is deleted" in html
    assert "What the law requires us to keep" in html
    assert 'type="password"' in html


def test_delete_page_signs_out_here_and_everywhere(person):
    other_device = Client()
    other_device.force_login(person)
    assert other_device.get("/saya/").status_code == 200

    client = Client()
    client.force_login(person)
    response = client.post("/saya/hapus-akun/", {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert raw_user(person)[0] == ANONYMISED_NAME
    assert client.get("/saya/").status_code == 302
    assert other_device.get("/saya/").status_code == 302


def test_delete_page_wrong_password_shows_an_error(person):
    client = Client()
    client.force_login(person)
    client.cookies["balai_language"] = "en"
    response = client.post("/saya/hapus-akun/", {"password": "salah-sekali", "confirm": "on"})
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert raw_user(person)[0] == "Siti Aminah"
    assert client.get("/saya/").status_code == 200


def test_delete_page_needs_the_confirmation_box(person):
    client = Client()
    client.force_login(person)
    response = client.post("/saya/hapus-akun/", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert raw_user(person)[0] == "Siti Aminah"


def test_delete_page_needs_csrf(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post("/saya/hapus-akun/", {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    assert raw_user(person)[0] == "Siti Aminah"
