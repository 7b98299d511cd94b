"""Fixtures for the API tests: people, signed-in clients (with or without a verified second factor), keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.accounts.tests.factories import UserFactory
from balai.api.services import api_key_create


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True, verified=True)


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(superuser=True)


def signed_in(user, *, otp: bool = False, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    if otp:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def admin_client_otp(admin_user):
    return signed_in(admin_user, otp=True)


@pytest.fixture
def make_key(db):
    def make(owner, *, scopes=(), name="Test client", expires_at=None):
        return api_key_create(actor=None, owner=owner, name=name, scopes=scopes, expires_at=expires_at)

    return make


def past(**kwargs):
    return timezone.now() - timedelta(**kwargs)
