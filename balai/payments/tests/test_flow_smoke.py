import pytest

from balai.payments.models import BillStatus, LedgerEntry, Payment
from balai.payments.providers.simulator import simulator_pay
from balai.payments.services import instruction_create

from .factories import make_bill

pytestmark = pytest.mark.django_db


def test_smoke(signing_profile_for):
    bill = make_bill()
    signing_profile_for(bill.organization)
    instruction = instruction_create(actor=None, bill=bill, channel="virtual_account")
    simulator_pay(instruction=instruction)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    payment = Payment.objects.get()
    assert payment.receipt is not None
    assert LedgerEntry.objects.get().amount == 150000
