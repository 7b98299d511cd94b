"""Staff must pass TOTP two-factor authentication before reaching anything; citizens are not affected."""

import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from balai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ENROL = "/akun/2fa/daftar/"
VERIFY = "/akun/2fa/masuk/"


def _token(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def _confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.fixture
def staff(client):
    user = UserFactory(staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("path", ["/kantor/", "/saya/", "/akun/ubah-sandi/", "/"])
def test_staff_without_device_is_sent_to_enrolment_everywhere(client, staff, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_staff_with_device_but_unverified_session_is_sent_to_code_page(client, staff):
    _confirmed_device(staff)
    response = client.get("/kantor/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_staff_without_two_factor_is_refused_on_admin(client):
    admin_user = UserFactory(superuser=True)
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    # Even bypassing our middleware, the OTP admin site refuses an unverified session.
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = admin_user
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)


def test_api_answers_json_403_for_staff_without_two_factor(client, staff):
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


@pytest.mark.parametrize("path", ["/healthz", "/akun/2fa/daftar/"])
def test_allowed_paths_stay_reachable(client, staff, path):
    response = client.get(path)
    assert response.status_code == 200


def test_sign_out_stays_reachable(client, staff):
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizens_are_not_affected(client):
    client.force_login(UserFactory())
    response = client.get("/akun/ubah-sandi/")
    assert response.status_code == 200


def test_enrolment_shows_qr_and_secret_then_confirms_and_grants_access(client, staff):
    response = client.get(ENROL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] in html
    assert "<script" not in html.split("</head>")[1]  # no inline script in the page body
    assert 'style="' not in html

    response = client.post(ENROL, {"token": _token(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=staff).token_set.count() == 10
    assert AuditEvent.objects.filter(action="account.two_factor_enrolled", actor=staff).exists()
    assert "no-store" in response["Cache-Control"]
    # Now the staff pages open.
    assert client.get("/kantor/").status_code == 200


def test_enrolment_with_wrong_code_is_refused(client, staff):
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(_token(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/kantor/").status_code == 302


@pytest.mark.parametrize("garbage", ["", "abc", "1" * 100, "<script>"])
def test_enrolment_bad_input(client, staff, garbage):
    client.get(ENROL)
    response = client.post(ENROL, {"token": garbage})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TOTPDevice.objects.get(user=staff).confirmed


def test_code_page_verifies_the_session(client, staff):
    device = _confirmed_device(staff)
    response = client.post(VERIFY, {"token": _token(device), "next": "/kantor/"})
    assert response.status_code == 302
    assert response["Location"] == "/kantor/"
    assert client.get("/kantor/").status_code == 200


def test_code_page_refuses_wrong_code_and_throttles(client, staff):
    device = _confirmed_device(staff)
    good = _token(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    # After a failure django-otp throttles: even the right code is refused right away.
    response = client.post(VERIFY, {"token": good})
    assert response.status_code == 200
    assert client.get("/kantor/").status_code == 302


def test_backup_code_works_once(client, staff):
    _confirmed_device(staff)
    backup = StaticDevice.objects.create(user=staff, name="backup", confirmed=True)
    backup.token_set.create(token="abcdefgh")
    response = client.post(VERIFY, {"token": "abcdefgh"})
    assert response.status_code == 302
    assert client.get("/kantor/").status_code == 200
    assert backup.token_set.count() == 0


def test_next_on_code_page_must_be_local(client, staff):
    device = _confirmed_device(staff)
    response = client.post(VERIFY, {"token": _token(device), "next": "https://jahat.example/"})
    assert response["Location"] == "/kantor/"


def test_full_flow_password_then_code(client):
    user = UserFactory(staff=True, email="pegawai@contoh.test")
    device = _confirmed_device(user)
    response = client.post("/akun/masuk/", {"username": "pegawai@contoh.test", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/kantor/")["Location"].startswith(VERIFY)
    time.sleep(0)  # the token of the current step
    client.post(VERIFY, {"token": _token(device)})
    assert client.get("/kantor/").status_code == 200


def test_admin_opens_after_two_factor(client):
    admin_user = UserFactory(superuser=True)
    device = _confirmed_device(admin_user)
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302
    client.post(VERIFY, {"token": _token(device)})
    assert client.get("/admin/").status_code == 200
