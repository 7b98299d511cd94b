"""Deleting an account erases the address and text of the messages it received, keeping the record."""

import pytest

from balai.accounts.services.privacy import account_delete
from balai.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from balai.notifications.models import OutboundMessage
from balai.notifications.services import send_message


@pytest.mark.django_db(transaction=True)
def test_messages_of_a_deleted_account_lose_address_and_body_but_stay_recorded():
    user = UserFactory(citizen=True, verified=True)
    other = UserFactory(citizen=True, verified=True)
    send_message(channel="email", to=user.email, subject="Halo", body="Kode Anda 123456", recipient=user)
    send_message(channel="email", to=other.email, subject="Halo", body="Untuk orang lain", recipient=other)

    account_delete(actor=user, user=user, password=DEFAULT_PASSWORD)

    mine = OutboundMessage.objects.get(recipient=user)
    assert (mine.to_encrypted, mine.to_masked, mine.subject, mine.body) == ("", "", "", "")
    assert mine.status == "sent"
    theirs = OutboundMessage.objects.get(recipient=other)
    assert theirs.body == "Untuk orang lain"
    assert theirs.to_encrypted == other.email
