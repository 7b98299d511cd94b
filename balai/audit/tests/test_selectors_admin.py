"""Who may read the audit trail, and the admin is read-only."""

import pytest
from django.urls import reverse

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import AuditEvent
from balai.audit.selectors import audit_events_for
from balai.audit.services import audit_log

pytestmark = pytest.mark.django_db


def test_platform_admin_sees_all_events_and_filters_work():
    admin = UserFactory(superuser=True)
    audit_log(action="account.signed_in", object_type="accounts.user", object_id=1)
    audit_log(action="organization.created", object_type="organizations.organization", object_id=2)
    assert audit_events_for(admin).count() == 2
    assert list(audit_events_for(admin, action="organization.created").values_list("object_id", flat=True)) == ["2"]
    assert audit_events_for(admin, object_type="accounts.user", object_id=1).count() == 1


@pytest.mark.parametrize("trait", [{}, {"staff": True}])
def test_citizens_and_staff_see_nothing(trait):
    audit_log(action="account.signed_in")
    assert audit_events_for(UserFactory(**trait)).count() == 0


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    audit_log(action="account.signed_in")
    assert audit_events_for(AnonymousUser()).count() == 0


def test_inactive_superuser_sees_nothing():
    audit_log(action="account.signed_in")
    assert audit_events_for(UserFactory(superuser=True, is_active=False)).count() == 0


@pytest.fixture
def admin_client_2fa(client):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(superuser=True)
    device = TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_admin_lists_events_but_cannot_add_change_or_delete(admin_client_2fa):
    event = audit_log(action="account.signed_in", object_id="77")
    response = admin_client_2fa.get(reverse("admin:audit_auditevent_changelist") + "?q=77")
    assert response.status_code == 200
    assert f"/{event.pk}/" in response.content.decode()
    assert admin_client_2fa.get(reverse("admin:audit_auditevent_add")).status_code == 403
    response = admin_client_2fa.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "x.y"})
    assert response.status_code == 403
    response = admin_client_2fa.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "account.signed_in"


def test_admin_filter_by_action(admin_client_2fa):
    audit_log(action="account.signed_in")
    response = admin_client_2fa.get(reverse("admin:audit_auditevent_changelist") + "?action=membership.granted")
    assert response.status_code == 200
