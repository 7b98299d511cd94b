"""Provider callbacks under load: 20 concurrent senders post signed ``payment.paid`` notifications over real HTTP
to a Balai server this script starts (gunicorn on a free port of 127.0.0.1), 10 % of them duplicates of
another delivery (sent later or racing it), then the ledger is summed against the bills: zero double credits.

    createdb -h 127.0.0.1 -U postgres payments_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/payments_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/bench_callbacks.py --bills 2000

Each notification is signed at the moment it is sent (HMAC-SHA256 over timestamp and body) and goes through
the whole path: the endpoint, the signature and window check, the schema, the bill's row lock, the payment,
the ledger entry, the bill's status, the signed PDF receipt (``--no-receipts``: the agency has no signing key,
so crediting runs without it), the audit events and the callback log. ``--in-process`` calls the WSGI handler
in this process instead of HTTP (same code, real transactions). Prints callbacks per second, latency
percentiles and the check, and writes ``bench/results/callbacks-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import queue
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")
SECRET = os.environ.setdefault("BALAI_PAYMENTS_SIMULATOR_SECRET", "bench-" + secrets.token_hex(16))
os.environ.setdefault("BALAI_PAYMENTS_PROVIDERS", "simulator")
os.environ.setdefault("BALAI_PKI_DIR", str(ROOT / "var" / "bench" / "pki"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from balai.organizations.models import Organization, OrganizationKind  # noqa: E402
from balai.payments.models import Bill, BillKind, LedgerEntry, Payment, PaymentStatus  # noqa: E402
from balai.payments.providers.signing import signed_headers  # noqa: E402
from balai.payments.services import BillItemIn, bill_create  # noqa: E402

PATH = "/api/v1/payments/callbacks/simulator"
AMOUNT = 125_000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_bills(count: int, *, receipts: bool) -> tuple[Organization, list[Bill]]:
    code = "BENCH-PAY-" + secrets.token_hex(3).upper()
    organization = Organization.objects.create(
        code=code, name="Badan Pendapatan (uji beban)", kind=OrganizationKind.BADAN
    )
    if receipts:
        from balai.documents.signing import ensure_demo_pki

        ensure_demo_pki([organization])
    due = timezone.now() + dt.timedelta(days=30)
    bills = [
        bill_create(
            actor=None,
            kind=BillKind.LEVY,
            organization=organization,
            revenue_code="RETRIBUSI-BENCH",
            items=[BillItemIn(description=f"Retribusi uji beban {n}", amount=AMOUNT)],
            payer_name=f"Pembayar {n}",
            due_at=due,
        )
        for n in range(count)
    ]
    return organization, bills


def deliveries(bills: list[Bill], duplicate_share: float, rng: random.Random) -> list[bytes]:
    """One notification per bill plus duplicates (the same bytes again) making ``duplicate_share`` of all."""
    bodies = [
        json.dumps(
            {
                "event": "payment.paid",
                "transaction_id": f"BENCH-{bill.pk}-{secrets.token_hex(4)}",
                "payment_code": bill.payment_code,
                "amount": bill.amount,
                "currency": "IDR",
                "channel": rng.choice(["virtual_account", "qris"]),
                "paid_at": timezone.now().isoformat(),
            },
            separators=(",", ":"),
        ).encode()
        for bill in bills
    ]
    extra = round(len(bodies) * duplicate_share / (1 - duplicate_share))
    sends = bodies + [rng.choice(bodies) for _ in range(extra)]
    rng.shuffle(sends)  # a duplicate may come before, after or at the same time as its original
    return sends


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "balai.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--log-level", "warning", "--graceful-timeout", "5",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())  # noqa: S603 - fixed argv, no shell
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def run_http(port: int, sends: list[bytes], senders: int) -> tuple[list[float], dict[int, int], dict[str, int], float]:
    work: queue.Queue[bytes] = queue.Queue()
    for body in sends:
        work.put(body)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(senders + 1)

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            headers = {"Content-Type": "application/json", **signed_headers(SECRET.encode(), body)}
            started = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                work.put(body)  # a real provider retries
                continue
            elapsed = time.perf_counter() - started
            try:
                outcome = json.loads(answer).get("status", "error")
            except ValueError:
                outcome = "error"
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        conn.close()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, outcomes, time.perf_counter() - started


def run_in_process(sends: list[bytes], senders: int) -> tuple[list[float], dict[int, int], dict[str, int], float]:
    from django.db import connections
    from django.test import Client

    work: queue.Queue[bytes] = queue.Queue()
    for body in sends:
        work.put(body)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(senders + 1)

    def sender() -> None:
        client = Client()
        barrier.wait()
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            headers = signed_headers(SECRET.encode(), body)
            started = time.perf_counter()
            response = client.post(
                PATH,
                data=body,
                content_type="application/json",
                HTTP_X_BALAI_TIMESTAMP=headers["X-Balai-Timestamp"],
                HTTP_X_BALAI_SIGNATURE=headers["X-Balai-Signature"],
            )
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                outcome = response.json().get("status", "error")
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, statuses, outcomes, time.perf_counter() - started


def check(organization: Organization, bills: list[Bill]) -> dict:
    """Sum the ledger against the bills: every bill credited once, nothing twice, the totals equal."""
    ids = [bill.pk for bill in bills]
    rows = (
        Bill.objects.filter(pk__in=ids)
        .annotate(
            ledger=Sum("ledger_entries__amount"),
            credits=Count("payments", filter=Q(payments__status=PaymentStatus.CREDITED), distinct=True),
        )
        .values("pk", "status", "paid_amount", "refunded_amount", "ledger", "credits")
    )
    double = [r["pk"] for r in rows if r["credits"] > 1]
    unbalanced = [r["pk"] for r in rows if (r["ledger"] or 0) != r["paid_amount"] - r["refunded_amount"]]
    unpaid = [r["pk"] for r in rows if r["status"] != "paid"]
    ledger_total = LedgerEntry.objects.filter(bill_id__in=ids).aggregate(total=Sum("amount"))["total"] or 0
    ledger_entries = LedgerEntry.objects.filter(bill_id__in=ids).count()
    payments = Payment.objects.filter(bill_id__in=ids).count()
    receipts = Payment.objects.filter(bill_id__in=ids, receipt__isnull=False).count()
    return {
        "bills": len(ids),
        "bills_paid": len(ids) - len(unpaid),
        "payments_recorded": payments,
        "ledger_entries": ledger_entries,
        "ledger_total": ledger_total,
        "expected_total": AMOUNT * len(ids),
        "double_credits": len(double),
        "unbalanced_bills": len(unbalanced),
        "receipts": receipts,
        "ok": not double and not unbalanced and not unpaid and ledger_total == AMOUNT * len(ids),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bills", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=60, help="extra bills paid first, not timed")
    parser.add_argument("--duplicates", type=float, default=0.10, help="share of all deliveries that are duplicates")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--no-receipts", action="store_true", help="no signing key: credit without the PDF receipt")
    parser.add_argument(
        "--receipts-by-worker", action="store_true", help="BALAI_PAYMENTS_RECEIPTS=worker: the task signs them later"
    )
    parser.add_argument("--in-process", action="store_true", help="call the WSGI handler in this process")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.receipts_by_worker:
        os.environ["BALAI_PAYMENTS_RECEIPTS"] = "worker"  # read by the server processes started below
    if connection.vendor != "postgresql":
        raise SystemExit("Run on PostgreSQL: DATABASE_URL=postgres://.../payments_bench")
    rng = random.Random(args.seed)
    print(f"making {args.bills} bills ...", flush=True)
    organization, all_bills = make_bills(args.bills + args.warmup, receipts=not args.no_receipts)
    warmup, bills = all_bills[: args.warmup], all_bills[args.warmup :]
    sends = deliveries(bills, args.duplicates, rng)
    duplicates = len(sends) - len(bills)
    print(f"{len(sends)} deliveries ({duplicates} duplicates) from {args.senders} senders", flush=True)
    connection.close()
    # Warm-up deliveries (one per extra bill, not timed): every worker thread imports and connects first.
    warm = deliveries(warmup, 0.0, rng)
    if args.in_process:
        run_in_process(warm, args.senders)
        latencies, statuses, outcomes, elapsed = run_in_process(sends, args.senders)
        mode = "in-process WSGI"
    else:
        port = free_port()
        server = start_server(port, args.workers, args.threads)
        try:
            run_http(port, warm, args.senders)
            latencies, statuses, outcomes, elapsed = run_http(port, sends, args.senders)
        finally:
            server.terminate()
            server.wait(10)
        mode = f"HTTP, gunicorn {args.workers} workers x {args.threads} threads"
    result = check(organization, all_bills)
    figures = {
        "when": dt.datetime.now(dt.UTC).isoformat(),
        "mode": mode,
        "receipts": "none" if args.no_receipts else "worker" if args.receipts_by_worker else "inline",
        "bills": len(bills),
        "warmup_deliveries": len(warm),
        "deliveries": len(sends),
        "duplicates": duplicates,
        "senders": args.senders,
        "seconds": round(elapsed, 2),
        "callbacks_per_second": round(len(sends) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 50) * 1000, 1),
            "p95": round(percentile(latencies, 95) * 1000, 1),
            "p99": round(percentile(latencies, 99) * 1000, 1),
        },
        "statuses": statuses,
        "outcomes": outcomes,
        "check": result,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        figures["machine"]["postgresql"] = cursor.fetchone()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"callbacks-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    print(f"\n{figures['callbacks_per_second']} callbacks/s; double credits: {result['double_credits']}; "
          f"ledger {'balances' if result['ok'] else 'DOES NOT BALANCE'} -> {out}")  # fmt: skip
    if not result["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
