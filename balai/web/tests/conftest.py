"""Fixtures for the web app's tests: people and a client signed in with a verified second factor."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.accounts.tests.factories import UserFactory


def sign_in_verified(client: Client, user: object) -> Client:
    """Sign in as if the person had passed TOTP: staff pages sit behind the two-factor middleware."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True, verified=True)


@pytest.fixture
def staff(db):
    return UserFactory(staff=True, verified=True, full_name="Budi Santoso")


@pytest.fixture
def admin_user(db):
    return UserFactory(superuser=True, verified=True)


@pytest.fixture
def citizen_client(citizen):
    client = Client()
    client.force_login(citizen)
    return client


@pytest.fixture
def staff_client(staff):
    return sign_in_verified(Client(), staff)


@pytest.fixture
def admin_client_verified(admin_user):
    return sign_in_verified(Client(), admin_user)
