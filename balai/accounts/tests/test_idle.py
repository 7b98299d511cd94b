"""Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a request; citizens keep theirs."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _verified_staff(client):
    user = UserFactory(staff=True)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/akun/2fa/masuk/", {"token": token}).status_code == 302
    return user


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_staff_session_ends_after_idle_timeout(client, settings):
    _verified_staff(client)
    start = timezone.now()
    with _at(start):
        assert client.get("/kantor/").status_code == 200
    with _at(start + timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS + 1)):
        response = client.get("/kantor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert page.status_code == 200
    messages = [str(m) for m in page.context["messages"]]
    assert messages and "aktivitas" in messages[0]


def test_activity_keeps_the_staff_session_alive(client, settings):
    _verified_staff(client)
    start = timezone.now()
    step = timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS - 60)
    for i in range(4):
        with _at(start + i * step):
            assert client.get("/kantor/").status_code == 200


def test_api_gets_json_401_after_idle_timeout(client, settings):
    _verified_staff(client)
    start = timezone.now()
    with _at(start):
        client.get("/kantor/")
    with _at(start + timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS + 1)):
        response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


def test_citizen_sessions_have_no_idle_timeout(client, settings):
    client.force_login(UserFactory())
    start = timezone.now()
    with _at(start):
        assert client.get("/akun/ubah-sandi/").status_code == 200
    with _at(start + timedelta(seconds=settings.STAFF_IDLE_TIMEOUT_SECONDS * 4)):
        assert client.get("/akun/ubah-sandi/").status_code == 200
