"""With ``BALAI_PAYMENTS_SIMULATOR_DELIVERY=http`` (``make run``) the simulator's notification goes through the
task queue as a signed POST to ``BALAI_PUBLIC_URL`` — here a local HTTP server on 127.0.0.1 that records it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from balai.payments.models import SimulatedTransfer
from balai.payments.providers.signing import signature_matches
from balai.payments.providers.simulator import simulator_pay
from balai.payments.services import instruction_create

from .conftest import SIMULATOR_SECRET
from .factories import make_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(settings):
    received: list[dict] = []
    answer = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
            self.send_response(answer["status"])
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BALAI_PAYMENTS_SIMULATOR_DELIVERY = "http"
    settings.BALAI_PUBLIC_URL = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield received, answer
    finally:
        server.shutdown()
        server.server_close()


def test_the_notification_is_a_signed_post_to_the_public_url(platform):
    received, _answer = platform
    bill = make_bill()
    transfer = simulator_pay(instruction=instruction_create(actor=None, bill=bill, channel="virtual_account"))
    (request,) = received
    assert request["path"] == "/api/v1/payments/callbacks/simulator"
    headers = request["headers"]
    assert signature_matches(
        SIMULATOR_SECRET.encode(), request["body"], headers["X-Balai-Timestamp"], headers["X-Balai-Signature"]
    )
    data = json.loads(request["body"])
    assert data["payment_code"] == bill.payment_code and data["amount"] == 150_000 and data["event"] == "payment.paid"
    transfer.refresh_from_db()
    assert transfer.delivered_at is not None and transfer.last_status == 200 and transfer.attempts == 1


def test_a_refused_delivery_is_recorded_and_can_be_sent_again(platform):
    received, answer = platform
    answer["status"] = 503
    bill = make_bill()
    transfer = simulator_pay(instruction=instruction_create(actor=None, bill=bill, channel="qris"))
    transfer.refresh_from_db()
    assert transfer.delivered_at is None and transfer.last_status == 503
    answer["status"] = 200
    from balai.payments.providers.simulator import simulator_notify

    simulator_notify(transfer.pk)
    transfer = SimulatedTransfer.objects.get(pk=transfer.pk)
    assert transfer.delivered_at is not None and transfer.attempts == 2 and len(received) == 2
