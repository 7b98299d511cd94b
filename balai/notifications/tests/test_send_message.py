"""The one entry point for outbound messages: stored encrypted and masked, delivered by a task, and the
body of a verification message kept out of the logs except by the demo SMS provider."""

import logging

import pytest
from django.core import mail
from django.db import connection

from balai.core.exceptions import ValidationFailed
from balai.core.masking import mask_email
from balai.notifications.models import MessageStatus, OutboundMessage
from balai.notifications.providers import DeliveryFailed
from balai.notifications.services import send_message

pytestmark = pytest.mark.django_db


def test_email_is_sent_through_django_mail_and_marked_sent():
    message = send_message(channel="email", to="Budi@Contoh.test", subject="Halo", body="Isi pesan")
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None
    assert message.provider == "email"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@contoh.test"]
    assert mail.outbox[0].subject == "Halo"


def test_address_is_encrypted_at_rest_and_masked():
    message = send_message(channel="sms", to="0812 3456 7890", subject="", body="Halo")
    assert message.to_masked == "+62812••••7890"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_encrypted FROM notifications_outboundmessage WHERE id = %s", [message.pk])
        raw = cursor.fetchone()[0]
    assert "6281234567890" not in raw
    assert OutboundMessage.objects.get(pk=message.pk).to_encrypted == "+6281234567890"


def test_demo_sms_provider_logs_and_keeps_the_body(caplog):
    with caplog.at_level(logging.INFO, logger="balai.notifications"):
        message = send_message(
            channel="sms", to="+6281234567890", subject="", body="Kode Anda 123456", kind="verification"
        )
    assert message.status == MessageStatus.SENT
    assert message.provider == "demo_sms"
    assert any("123456" in r.getMessage() for r in caplog.records if r.name == "balai.notifications.providers")
    assert OutboundMessage.objects.get(pk=message.pk).body == "Kode Anda 123456"


def test_email_body_never_reaches_the_log(caplog):
    with caplog.at_level(logging.DEBUG):
        send_message(channel="email", to="a@contoh.test", subject="Kode", body="Kode Anda 654321", kind="verification")
    assert not any("654321" in r.getMessage() for r in caplog.records)
    assert not any("a@contoh.test" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("channel", "to"),
    [("email", "bukan-email"), ("email", ""), ("sms", "12"), ("sms", "<script>"), ("fax", "+6281234567890")],
)
def test_bad_address_or_channel_is_refused_and_nothing_stored(channel, to):
    with pytest.raises(ValidationFailed):
        send_message(channel=channel, to=to, subject="x", body="y")
    assert OutboundMessage.objects.count() == 0


def test_failed_delivery_is_recorded_without_raising(monkeypatch):
    from balai.notifications import providers

    def boom(self, message, to):
        raise DeliveryFailed("provider down")

    monkeypatch.setattr(providers.EmailProvider, "send", boom)
    message = send_message(channel="email", to="a@contoh.test", subject="x", body="y")
    assert message.status == MessageStatus.FAILED
    assert message.error == "provider down"


def test_delivery_task_is_idempotent():
    from balai.notifications.tasks import deliver_message

    message = send_message(channel="email", to="a@contoh.test", subject="x", body="y")
    assert deliver_message.call(message.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_mask_email():
    assert mask_email("budi.santoso@contoh.test") == "b••••@contoh.test"
    assert "@" not in mask_email("tanpa-domain")
