"""Payment instructions: a VA number or a QRIS code for today's amount, valid until the amount would change;
none for a bill that cannot be paid; the simulator's screens and the generic gateway adapter (against a local
HTTP server) make and settle them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from balai.core.exceptions import Conflict, NotFound, ValidationFailed
from balai.payments.models import (
    BillStatus,
    InstructionStatus,
    Payment,
    PaymentInstruction,
    PaymentStatus,
    SimulatedTransfer,
)
from balai.payments.providers import ProviderError
from balai.payments.providers.qris import crc16_ccitt, parse_payload
from balai.payments.providers.simulator import simulator_pay
from balai.payments.services import bill_cancel, instruction_create, instruction_refresh, refund_create

from .conftest import GATEWAY_SECRET
from .factories import make_bill, paid_bill
from .fake_gateway import API_KEY, FakeGateway

pytestmark = pytest.mark.django_db


def test_a_va_instruction_for_todays_amount():
    bill = make_bill(online_discount_percent=5)
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert instruction.provider == "simulator" and instruction.status == InstructionStatus.ACTIVE
    assert instruction.va_number == "8808" + bill.payment_code[4:]
    assert (instruction.amount, instruction.base_amount, instruction.discount) == (142_500, 150_000, 7_500)
    # The discount ends at the due date, so the instruction does too.
    assert instruction.expires_at <= bill.due_at


def test_the_instruction_lasts_at_most_the_ttl(settings):
    settings.BALAI_PAYMENTS_INSTRUCTION_TTL_SECONDS = 3600
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert instruction.expires_at <= timezone.now() + dt.timedelta(seconds=3600)


def test_a_qris_instruction_has_a_valid_payload_with_the_amount():
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="qris")
    fields = parse_payload(instruction.qr_payload)
    assert fields["54"] == "150000" and fields["53"] == "360" and fields["58"] == "ID" and fields["01"] == "12"
    assert instruction.provider_reference in fields["62"] and bill.payment_code in fields["62"]
    assert crc16_ccitt(b"123456789") == "29B1"  # the CRC-16/CCITT-FALSE check value


def test_the_same_channel_is_given_again_another_replaces_it():
    bill = make_bill()
    first = instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert instruction_create(actor=None, bill=bill, channel="virtual_account").pk == first.pk
    qris = instruction_create(actor=None, bill=bill, channel="qris")
    first.refresh_from_db()
    assert first.status == InstructionStatus.SUPERSEDED and qris.status == InstructionStatus.ACTIVE


def test_a_penalty_bill_instruction_ends_when_the_next_month_begins():
    bill = make_bill(
        due_at=timezone.now() - dt.timedelta(days=3),
        penalty_percent_per_month=Decimal(2),
        penalty_max_months=24,
    )
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert instruction.penalty == 3_000 and instruction.amount == 153_000
    assert instruction.expires_at <= bill.due_at + dt.timedelta(days=31)


@pytest.mark.parametrize("state", ["paid", "cancelled", "expired", "refunded"])
def test_no_instruction_for_a_bill_that_cannot_be_paid(state, signing_profile_for):
    from balai.cases.tests.factories import staff_with_role
    from balai.organizations.models import Role

    if state in ("paid", "refunded"):
        bill = paid_bill()
        if state == "refunded":
            head = staff_with_role(bill.organization, Role.HEAD)
            refund_create(actor=head, bill=bill, amount=bill.paid_amount, reason="Dibayar dua kali oleh wajib pajak")
    else:
        bill = make_bill(
            due_at=timezone.now() + dt.timedelta(hours=1), expires_at=timezone.now() + dt.timedelta(hours=1)
        )
        if state == "cancelled":
            bill_cancel(actor=None, bill=bill, reason="Salah tagih")
        else:
            type(bill).objects.filter(pk=bill.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    count = PaymentInstruction.objects.count()
    with pytest.raises(Conflict) as caught:
        instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert caught.value.code == f"bill_{state}"
    assert PaymentInstruction.objects.count() == count
    bill.refresh_from_db()
    assert bill.status == state


def test_unknown_channel_or_provider():
    bill = make_bill()
    with pytest.raises(ValidationFailed):
        instruction_create(actor=None, bill=bill, channel="cash")
    with pytest.raises(NotFound):
        instruction_create(actor=None, bill=bill, channel="qris", provider="paypal")


def test_the_simulated_bank_pays_once_per_instruction():
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="qris")
    first = simulator_pay(instruction=instruction)
    again = simulator_pay(instruction=instruction)
    assert first.pk == again.pk and SimulatedTransfer.objects.count() == 1
    assert first.delivered_at is None or first.last_status == 200
    first.refresh_from_db()
    assert first.last_status == 200 and first.attempts == 2  # notified twice, credited once
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert Payment.objects.filter(status=PaymentStatus.CREDITED).count() == 1


def test_the_simulated_bank_refuses_a_replaced_instruction():
    bill = make_bill()
    old = instruction_create(actor=None, bill=bill, channel="virtual_account")
    instruction_create(actor=None, bill=bill, channel="qris")
    old.refresh_from_db()
    with pytest.raises(Conflict):
        simulator_pay(instruction=old)
    assert not Payment.objects.exists()


def test_status_query_credits_when_the_notification_was_lost(settings, monkeypatch):
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    monkeypatch.setattr("balai.payments.providers.simulator.simulator_notify", lambda transfer_id: None)
    simulator_pay(instruction=instruction)
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID
    result = instruction_refresh(instruction=instruction)
    assert result is not None and result.outcome == "credited"
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


# --- the generic gateway ---------------------------------------------------------------------------------


@pytest.fixture
def gateway(settings):
    with FakeGateway(GATEWAY_SECRET) as fake:
        settings.BALAI_PAYMENTS_GATEWAY_URL = fake.url
        settings.BALAI_PAYMENTS_GATEWAY_API_KEY = API_KEY
        settings.BALAI_PAYMENTS_GATEWAY_TIMEOUT = 2
        settings.BALAI_PAYMENTS_PROVIDERS = "gateway"
        yield fake


def test_gateway_creates_a_signed_instruction(gateway):
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert instruction.provider == "gateway" and instruction.provider_reference == "GW000001"
    assert instruction.va_number == "7777" + bill.payment_code[4:]
    sent = gateway.instructions["GW000001"]
    assert sent["merchant_reference"] == bill.payment_code and sent["amount"] == 150_000 and sent["currency"] == "IDR"
    assert sent["callback_url"].endswith("/api/v1/payments/callbacks/gateway")


def test_gateway_status_query_credits_a_payment(gateway):
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="qris")
    assert instruction_refresh(instruction=instruction) is None  # pending
    gateway.pay(instruction.provider_reference, transaction_id="BANK-77", paid_at=timezone.now().isoformat())
    result = instruction_refresh(instruction=instruction)
    assert result.outcome == "credited"
    assert Payment.objects.get().provider_transaction_id == "BANK-77"
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID


def test_gateway_reported_wrong_amount_is_flagged(gateway):
    bill = make_bill()
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    gateway.pay(instruction.provider_reference, transaction_id="BANK-78", amount=1, paid_at=timezone.now().isoformat())
    assert instruction_refresh(instruction=instruction).outcome == "flagged"
    bill.refresh_from_db()
    assert bill.status == BillStatus.UNPAID


@pytest.mark.parametrize("mode", ["bad_signature", "old_answer", "error", "garbage"])
def test_gateway_misbehaving_stores_nothing(gateway, mode):
    gateway.mode = mode
    bill = make_bill()
    with pytest.raises(ProviderError) as caught:
        instruction_create(actor=None, bill=bill, channel="virtual_account")
    assert caught.value.status == 502
    assert not PaymentInstruction.objects.exists()


def test_gateway_unreachable_stores_nothing(settings):
    settings.BALAI_PAYMENTS_PROVIDERS = "gateway"
    settings.BALAI_PAYMENTS_GATEWAY_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.BALAI_PAYMENTS_GATEWAY_TIMEOUT = 1
    with pytest.raises(ProviderError):
        instruction_create(actor=None, bill=make_bill(), channel="virtual_account")
    assert not PaymentInstruction.objects.exists()


def test_gateway_wrong_api_key_is_refused(gateway, settings):
    settings.BALAI_PAYMENTS_GATEWAY_API_KEY = "salah"
    with pytest.raises(ProviderError):
        instruction_create(actor=None, bill=make_bill(), channel="virtual_account")
