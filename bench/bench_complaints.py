"""Server time of the complaint reads on the benchmark database (after ``bench/generate_complaints.py``), in
process (Django test client, real settings, no network), next to ``/healthz`` as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench .venv/bin/python bench/bench_complaints.py

Measures, each ``--n`` times after ``--warmup`` requests:

- ``GET /open311/v2/requests.json`` with no arguments: the last 90 days, at most 1,000 requests (target p95
  ≤ 100 ms), and the same as XML;
- ``GET /open311/v2/requests.json?service_code=001&status=open`` and one request by id;
- the duplicate check ``nearby_open_complaints(category, lat, lon, 200)`` (the selector the filing form
  calls) at a new random point each time, 60 % of them near the generator's hot spots (target p95 ≤ 20 ms);
- the public list ``/pengaduan/`` first page without filters (target p95 ≤ 50 ms), with a category filter,
  page 50, and one public complaint's page;
- FixMyStreet's ``servicerequestupdates.json`` (last 90 days) from its one-minute cache and read afresh
  (cold), and the statistics page computed once over every complaint (cold) and from the cache;
- ``/healthz`` as the baseline.

Prints p50/p95/p99 (ms) and SQL queries per request, checks the targets, and writes the figures to
``bench/results/complaints-<time>.json`` and EXPLAIN (ANALYZE, BUFFERS) of the measured queries to
``bench/results/complaints-plans-<time>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys

# bench/ is on the path when run as a script; importing bench_pages sets up Django.
from bench_pages import RESULTS, machine, measure, ok, silence_console_logs  # sets up Django
from django.db import connection  # noqa: E402  (after django.setup() in bench_pages)
from django.test import Client  # noqa: E402

from balai.complaints.models import Complaint, ComplaintCategory  # noqa: E402
from balai.complaints.selectors import nearby_open_complaints, public_complaints  # noqa: E402

TARGETS_MS = {"open311 requests.json (90 days)": 100.0, "nearby check (200 m)": 20.0, "public list /pengaduan/": 50.0}
CENTRE = (-6.60, 106.80)


def explain(rows: list[dict], out, names: set[str]) -> None:
    with connection.cursor() as cursor:
        for row in rows:
            if row["name"] not in names:
                continue
            out.write(f"\n{'=' * 100}\n{row['name']}\n{'=' * 100}\n")
            for sql in row["sql"]:
                if not sql.lstrip().upper().startswith("SELECT") or "complaints_complaint" not in sql:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                out.write(f"\n--- {sql}\n")
                out.write("\n".join(r[0] for r in cursor.fetchall()) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmark the PostgreSQL database: set DATABASE_URL.")
    silence_console_logs()
    info = machine()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM complaints_complaint")
        info["complaints"] = cursor.fetchone()[0]
    if not info["complaints"]:
        sys.exit("No complaints: run bench/generate_complaints.py first.")
    print(
        f"{info['complaints']:,} complaints, {info['cases']:,} cases; PostgreSQL {info['postgresql']}; "
        f"{info['nproc']} CPUs, {info['memory']}; DEBUG={info['debug']}"
    )
    rng = random.Random(args.seed)
    client = Client()
    api = Client(HTTP_ACCEPT_LANGUAGE="id")
    one = public_complaints().values_list("case__number", flat=True).first()
    road = ComplaintCategory.objects.get(code="JALAN-RUSAK")
    # Hot spots: where the generator clustered complaints (the densest 0.01° cells of the road category).
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT round(latitude, 2), round(longitude, 2) FROM complaints_complaint
               WHERE category_id = %s AND latitude IS NOT NULL
               GROUP BY 1, 2 ORDER BY COUNT(*) DESC LIMIT 25""",
            [road.pk],
        )
        spots = [(float(a), float(b)) for a, b in cursor.fetchall()]
    located = list(ComplaintCategory.objects.filter(needs_location=True, is_active=True))

    def nearby():
        category = rng.choice(located)
        if rng.random() < 0.6 and spots:
            lat, lon = rng.choice(spots)
            lat, lon = rng.gauss(lat, 0.005), rng.gauss(lon, 0.005)
        else:
            lat, lon = CENTRE[0] + rng.uniform(-0.3, 0.3), CENTRE[1] + rng.uniform(-0.3, 0.3)
        return nearby_open_complaints(category, lat, lon, 200)

    in_window = Complaint.objects.filter(created_at__gte=dt.datetime.now(dt.UTC) - dt.timedelta(days=90)).count()
    print(f"complaints in the last 90 days: {in_window:,}; sample complaint {one}; {len(spots)} hot spots")
    print(f"N={args.n} after {args.warmup} warm-up requests; times in ms")

    def rows_of(response) -> None:
        ok(response)
        if response["Content-Type"].startswith("application/json") and not json.loads(response.content):
            raise SystemExit(f"{response.request['PATH_INFO']} answered an empty list")

    n, w = args.n, args.warmup
    results = [
        measure("baseline /healthz", lambda: client.get("/healthz"), n=n, warmup=w, check=ok),
        measure(
            "open311 requests.json (90 days)",
            lambda: api.get("/open311/v2/requests.json"),
            n=n,
            warmup=w,
            check=rows_of,
        ),
        measure("open311 requests.xml (90 days)", lambda: api.get("/open311/v2/requests.xml"), n=n, warmup=w, check=ok),
        measure(
            "open311 requests.json 001 open",
            lambda: api.get("/open311/v2/requests.json", {"service_code": "001", "status": "open"}),
            n=n,
            warmup=w,
            check=rows_of,
        ),
        measure("open311 one request", lambda: api.get(f"/open311/v2/requests/{one}.json"), n=n, warmup=w, check=ok),
        measure("nearby check (200 m)", nearby, n=n, warmup=w, check=lambda r: None),
        measure("public list /pengaduan/", lambda: client.get("/pengaduan/"), n=n, warmup=w, check=ok),
        measure(
            "public list, category filter",
            lambda: client.get("/pengaduan/", {"category": "LAMPU-JALAN"}),
            n=n,
            warmup=w,
            check=ok,
        ),
        measure("public list, page 50", lambda: client.get("/pengaduan/", {"page": "50"}), n=n, warmup=w, check=ok),
        measure("public complaint page", lambda: client.get(f"/pengaduan/{one}/"), n=n, warmup=w, check=ok),
        measure(
            "open311 servicerequestupdates.json",
            lambda: api.get("/open311/v2/servicerequestupdates.json"),
            n=max(10, n // 10),
            warmup=2,
            check=ok,
        ),
    ]
    # The statistics are cached for 10 minutes; the cost of computing them once over every complaint:
    from django.core.cache import cache

    from balai.complaints.public import stats

    def statistics_cold():
        cache.delete(stats.CACHE_KEY % "all")
        return client.get("/pengaduan/statistik/", {"year": ""})

    results.append(measure("statistics, all years (cold)", statistics_cold, n=3, warmup=0, check=ok))

    def updates_cold():
        cache.clear()  # the minute's cached reading (and the reference, read again: 4 small queries)
        return api.get("/open311/v2/servicerequestupdates.json")

    results.append(measure("servicerequestupdates (cold)", updates_cold, n=3, warmup=0, check=ok))
    results.append(
        measure("statistics page (cached)", lambda: client.get("/pengaduan/statistik/"), n=n, warmup=w, check=ok)
    )
    print()
    for row in results:
        target = TARGETS_MS.get(row["name"])
        if target:
            verdict = "met" if row["p95_ms"] <= target else f"MISSED by {row['p95_ms'] - target:.1f} ms"
            print(f"{row['name']:<34} p95 {row['p95_ms']:.2f} ms, target {target:.0f} ms: {verdict}")

    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    with (RESULTS / f"complaints-plans-{stamp}.txt").open("w") as out:
        explain(results, out, set(TARGETS_MS) | {"public complaint page", "open311 requests.json 001 open"})
    summary = {"machine": info, "args": vars(args), "in_90_days": in_window, "results": results}
    (RESULTS / f"complaints-{stamp}.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"\nplans: bench/results/complaints-plans-{stamp}.txt; figures: bench/results/complaints-{stamp}.json")


if __name__ == "__main__":
    main()
