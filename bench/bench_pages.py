"""Server time of the case pages on the benchmark database, in process (Django test client, real settings, no
network), next to a trivial view on the same stack as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench .venv/bin/python bench/bench_pages.py

Measures, each ``--n`` times after ``--warmup`` requests:

- the staff worklist ``/kantor/perkara/?state=<state>&sort=due_at`` (first page) as the demo verifier of
  DISDUKCAPIL, signed in with a verified second factor;
- the citizen's list ``/saya/permohonan/`` for a citizen with 5–20 cases (the one with most, up to 20);
- ``/lacak/?number=…&code=…`` for an existing case (each request from another client address, as many
  citizens would; the rate limit's cache round trip stays in the measured path);
- ``/healthz`` as the anonymous baseline, and again with the verifier's session (the baseline for the
  signed-in pages: same session, authentication and 2FA middleware);
- the worklist's selector alone (``cases_for_staff(...)[:20]`` evaluated, no rendering) to separate the
  database from the template.

Prints p50/p95/p99 (ms) and SQL queries per request (counted on one extra request), checks the targets,
writes the figures to ``bench/results/pages-<time>.json`` and EXPLAIN (ANALYZE, BUFFERS) of every query of
the worklist and the citizen's list to ``bench/results/plans-<time>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from balai.accounts.models import User  # noqa: E402
from balai.cases.models import Case  # noqa: E402
from balai.cases.selectors import cases_for_staff, worklist_for_staff  # noqa: E402
from balai.organizations.models import Membership  # noqa: E402

TARGETS_MS = {"worklist": 50.0, "citizen_list": 30.0, "track": 10.0}


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def signed_in(user: User, *, otp: bool) -> Client:
    client = Client()
    client.force_login(user)
    if otp:
        device, _created = TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure(name: str, call, *, n: int, warmup: int, check) -> dict:
    """Time ``call()`` n times after warmup calls; count the SQL queries of one more call."""
    for _ in range(warmup):
        check(call())
    times = []
    for _ in range(n):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
        check(result)
    with CaptureQueriesContext(connection) as queries:
        check(call())
    times.sort()
    row = {
        "name": name,
        "n": n,
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(times[-1], 2),
        "queries": len(queries.captured_queries),
        "sql": [q["sql"] for q in queries.captured_queries],
    }
    print(
        f"{name:<34} p50 {row['p50_ms']:>7.2f}  p95 {row['p95_ms']:>7.2f}  p99 {row['p99_ms']:>7.2f}  "
        f"max {row['max_ms']:>7.2f} ms  {row['queries']:>3} queries",
        flush=True,
    )
    return row


def ok(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{response.request['PATH_INFO']} answered {response.status_code}")


def explain(sql_list: list[str], out, title: str) -> None:
    out.write(f"\n{'=' * 100}\n{title}\n{'=' * 100}\n")
    with connection.cursor() as cursor:
        for sql in sql_list:
            if not sql.lstrip().upper().startswith("SELECT") or "cases_case" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            out.write(f"\n--- {sql}\n")
            out.write("\n".join(r[0] for r in cursor.fetchall()) + "\n")


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM cases_case")
        cases = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM accounts_user WHERE kind = 'citizen'")
        citizens = cursor.fetchone()[0]
    memory = ""
    try:
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":")[1].strip()
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "cases": cases,
        "citizens": citizens,
        "debug": settings.DEBUG,
    }


def silence_console_logs() -> None:
    """Keep the access log's work (it is part of every request) but write it to /dev/null, not the terminal."""
    sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    for logger in [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--agency", default="DISDUKCAPIL")
    parser.add_argument("--state", default="verification", help="the worklist's state filter")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmark the PostgreSQL database: set DATABASE_URL.")

    silence_console_logs()
    info = machine()
    print(f"{info['cases']:,} cases, {info['citizens']:,} citizens; PostgreSQL {info['postgresql']}; "
          f"{info['nproc']} CPUs, {info['memory']}; DEBUG={info['debug']}")  # fmt: skip
    membership = (
        Membership.objects.filter(organization__code=args.agency, role="verifier", ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        sys.exit(f"No verifier at {args.agency}: run `manage.py load_demo` first.")
    verifier = membership.user
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT applicant_id, COUNT(*) FROM cases_case WHERE applicant_id IS NOT NULL
               GROUP BY applicant_id HAVING COUNT(*) BETWEEN 5 AND 20 ORDER BY COUNT(*) DESC, applicant_id LIMIT 1"""
        )
        citizen_id, citizen_cases = cursor.fetchone()
    citizen = User.objects.get(pk=citizen_id)
    tracked = Case.objects.filter(applicant__isnull=False).order_by("-id").only("number", "verification_code").first()
    if tracked is None:
        sys.exit("No cases: run bench/generate_cases.py first.")

    staff_client = signed_in(verifier, otp=True)
    citizen_client = signed_in(citizen, otp=False)
    anonymous = Client()
    worklist_url = "/kantor/perkara/?" + urlencode({"state": args.state, "sort": "due_at"})
    track_query = urlencode({"number": tracked.number, "code": tracked.verification_code})
    addresses = iter(f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" for i in range(10**7))

    def track():
        return anonymous.get("/lacak/?" + track_query, REMOTE_ADDR=next(addresses))

    def selector():
        # The staff cases API's path: the worklist selector with the agencies, 20 rows, no rendering.
        return list(worklist_for_staff(verifier, state=args.state, order="due_at", with_organizations=True)[0:20])

    total = cases_for_staff(verifier, state=args.state).count()
    agency_total = cases_for_staff(verifier).count()
    print(f"worklist: {verifier.email} ({args.agency}); state '{args.state}': {total:,} of {agency_total:,} cases")
    print(f"citizen: user {citizen_id} with {citizen_cases} cases; tracking {tracked.number}")
    print(f"N={args.n} after {args.warmup} warm-up requests; times in ms")

    n, w = args.n, args.warmup
    rows = [
        measure("baseline /healthz (anonymous)", lambda: anonymous.get("/healthz"), n=n, warmup=w, check=ok),
        measure("baseline /healthz (staff, OTP)", lambda: staff_client.get("/healthz"), n=n, warmup=w, check=ok),
        measure("baseline /healthz (citizen)", lambda: citizen_client.get("/healthz"), n=n, warmup=w, check=ok),
        measure("worklist", lambda: staff_client.get(worklist_url), n=n, warmup=w, check=ok),
        measure("worklist selector (API)", selector, n=n, warmup=w, check=lambda r: None),
        measure("citizen_list", lambda: citizen_client.get("/saya/permohonan/"), n=n, warmup=w, check=ok),
        measure("track", track, n=n, warmup=w, check=ok),
    ]
    print()
    for row in rows:
        target = TARGETS_MS.get(row["name"])
        if target:
            verdict = "met" if row["p95_ms"] <= target else f"MISSED by {row['p95_ms'] - target:.1f} ms"
            print(f"{row['name']:<14} p95 {row['p95_ms']:.2f} ms, target {target:.0f} ms: {verdict}")

    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    with (RESULTS / f"plans-{stamp}.txt").open("w") as out:
        by_name = {row["name"]: row for row in rows}
        explain(by_name["worklist"]["sql"], out, f"worklist {worklist_url} as {verifier.email}")
        explain(by_name["citizen_list"]["sql"], out, f"citizen list /saya/permohonan/ as user {citizen_id}")
        explain(by_name["track"]["sql"], out, "tracking /lacak/")
    summary = {
        "machine": info,
        "args": vars(args),
        "worklist_url": worklist_url,
        "worklist_total": total,
        "agency_total": agency_total,
        "citizen_cases": citizen_cases,
        "results": rows,
    }
    (RESULTS / f"pages-{stamp}.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"\nplans: bench/results/plans-{stamp}.txt; figures: bench/results/pages-{stamp}.json")


if __name__ == "__main__":
    main()
