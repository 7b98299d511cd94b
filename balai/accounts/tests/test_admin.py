"""The user admin: masked list, search (phone by blind index), staff accounts created with a link to set
the password, audited access changes; outbound messages read-only."""

import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.models import User
from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.notifications.services import send_message

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


@pytest.fixture
def admin_user(client):
    user = UserFactory(superuser=True)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/akun/2fa/masuk/", {"token": token}).status_code == 302
    return user


def test_list_masks_email_and_phone(client, admin_user):
    UserFactory(email="budi.santoso@contoh.test", phone="+6281234567890", full_name="Budi Santoso")
    response = client.get(USERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Budi Santoso" in html
    assert "budi.santoso@contoh.test" not in html
    assert "+6281234567890" not in html
    assert "b••••@contoh.test" in html
    assert "+62812••••7890" in html


def test_search_by_name_email_and_phone(client, admin_user):
    budi = UserFactory(email="budi@contoh.test", phone="+6281234567890", full_name="Budi Santoso")
    UserFactory(email="siti@contoh.test", full_name="Siti Aminah")
    for term in ["Santoso", "budi@contoh", "081234567890", "+62 812-3456-7890"]:
        response = client.get(USERS, {"q": term})
        results = list(response.context["cl"].result_list)
        assert results == [budi], term


def test_create_staff_account_sends_a_set_password_link(client, admin_user):
    response = client.post(
        f"{USERS}add/", {"full_name": "Pegawai Baru", "email": "Pegawai.Baru@contoh.test", "phone": ""}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    staff = User.objects.get(email="pegawai.baru@contoh.test")
    assert staff.kind == "staff"
    assert not staff.has_usable_password()
    assert AuditEvent.objects.filter(action="user.created", actor=admin_user, object_id=str(staff.pk)).exists()
    link = re.search(r"http://testserver(/akun/lupa-sandi/[^\s]+/)", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == ["pegawai.baru@contoh.test"]
    # The new staff member sets a password with the link, then signs in and must enrol 2FA.
    other = type(client)()
    form_url = other.get(link)["Location"]
    new = "Sandi-Pegawai-Kuat-77"
    assert other.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    response = other.post("/akun/masuk/", {"username": "pegawai.baru@contoh.test", "password": new})
    assert response.status_code == 302
    assert other.get("/kantor/")["Location"].startswith("/akun/2fa/daftar/")


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "", "email": "a@contoh.test"},
        {"full_name": "X", "email": "bukan-email"},
        {"full_name": "X", "email": "a@contoh.test", "phone": "123"},
    ],
)
def test_create_staff_account_bad_input(client, admin_user, data):
    before = User.objects.count()
    response = client.post(f"{USERS}add/", data)
    assert response.status_code == 200
    assert User.objects.count() == before
    assert len(mail.outbox) == 0


def test_create_staff_account_with_taken_email(client, admin_user):
    UserFactory(email="ada@contoh.test")
    response = client.post(f"{USERS}add/", {"full_name": "X", "email": "ada@contoh.test"})
    assert response.status_code == 200
    assert User.objects.filter(email="ada@contoh.test").count() == 1


def test_access_changes_are_audited_with_field_names(client, admin_user):
    person = UserFactory(full_name="Budi")
    response = client.get(f"{USERS}{person.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"groups", "user_permissions"}}
    data.update({"full_name": "Budi", "email": person.email, "kind": "citizen", "language": "id", "is_staff": "on"})
    data.update({"is_active": "on"})
    inline_prefixes = [fs.formset.prefix for fs in response.context["inline_admin_formsets"]]
    for prefix in inline_prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = client.post(f"{USERS}{person.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.is_staff
    event = AuditEvent.objects.get(action="user.updated", object_id=str(person.pk))
    assert event.summary["fields"] == ["is_staff"]
    assert event.actor == admin_user


def test_change_page_shows_memberships_inline(client, admin_user):
    person = UserFactory()
    response = client.get(f"{USERS}{person.pk}/change/")
    assert response.status_code == 200
    models = [fs.opts.model.__name__ for fs in response.context["inline_admin_formsets"]]
    assert "Membership" in models


def test_non_admin_staff_cannot_open_user_admin(client):
    staff = UserFactory(staff=True, is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    client.force_login(staff)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/akun/2fa/masuk/", {"token": token})
    assert client.get(USERS).status_code == 403


def test_outbound_messages_are_read_only(client, admin_user):
    message = send_message(channel="sms", to="+6281234567890", subject="", body="Kode 123456", kind="verification")
    response = client.get("/admin/notifications/outboundmessage/")
    assert response.status_code == 200
    assert "+62812••••7890" in response.content.decode()
    assert "+6281234567890" not in response.content.decode()
    detail = client.get(f"/admin/notifications/outboundmessage/{message.pk}/change/")
    assert detail.status_code == 200
    assert "Kode 123456" in detail.content.decode()  # demo SMS provider: readable for people trying Balai
    assert client.get("/admin/notifications/outboundmessage/add/").status_code == 403
    assert client.post(f"/admin/notifications/outboundmessage/{message.pk}/delete/", {"post": "yes"}).status_code == 403
