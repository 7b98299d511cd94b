"""A bank gateway speaking Balai's protocol, on 127.0.0.1 for the tests: it checks the API key and the
signature of each call, makes VA numbers and QRIS codes, reports payments the test marks as paid, and signs
its answers. ``mode`` makes it misbehave (bad signature, garbage, server error)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from balai.payments.providers.signing import signature_matches, signed_headers

API_KEY = "kunci-api-uji"


class FakeGateway:
    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.instructions: dict[str, dict[str, Any]] = {}
        self.paid: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, payload: Any) -> None:
                body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                headers = signed_headers(gateway.secret, body)
                if gateway.mode == "bad_signature":
                    headers["X-Balai-Signature"] = "sha256=" + "0" * 64
                if gateway.mode == "old_answer":
                    headers = signed_headers(gateway.secret, body, timestamp=int(time.time()) - 3600)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self, body: bytes) -> bool:
                gateway.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                return self.headers.get("Authorization") == f"Bearer {API_KEY}" and signature_matches(
                    gateway.secret,
                    body,
                    self.headers.get("X-Balai-Timestamp", ""),
                    self.headers.get("X-Balai-Signature", ""),
                )

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self._authorised(body):
                    return self._answer(401, {"error": "unauthorised"})
                if gateway.mode == "error":
                    return self._answer(500, {"error": "down"})
                if gateway.mode == "garbage":
                    return self._answer(200, b"<html>not json</html>")
                data = json.loads(body)
                reference = f"GW{len(gateway.instructions) + 1:06d}"
                answer = {"reference": reference, "expires_at": data["expires_at"]}
                if data["channel"] == "virtual_account":
                    answer["va_number"] = "7777" + data["merchant_reference"][4:]
                else:
                    answer["qr_payload"] = "00020101021226" + reference
                gateway.instructions[reference] = {**data, **answer}
                return self._answer(201, answer)

            def do_GET(self) -> None:  # noqa: N802
                if not self._authorised(b""):
                    return self._answer(401, {"error": "unauthorised"})
                reference = self.path.rsplit("/", 1)[-1]
                if reference not in gateway.instructions:
                    return self._answer(404, {"error": "unknown"})
                if reference in gateway.paid:
                    return self._answer(200, {"status": "paid", **gateway.paid[reference]})
                return self._answer(200, {"status": "pending"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pay(self, reference: str, *, transaction_id: str, amount: int | None = None, paid_at: str) -> None:
        instruction = self.instructions[reference]
        self.paid[reference] = {
            "transaction_id": transaction_id,
            "amount": instruction["amount"] if amount is None else amount,
            "currency": "IDR",
            "paid_at": paid_at,
        }
