"""Time the bulk generation of the PBB-P2 SPPT of a year (``generation_execute``, the code behind the background
task and ``manage.py sppt_generate``) on the objects made by ``bench/generate_tax_objects.py``, next to the floor: a
plain ``INSERT … SELECT`` of the same rows (bills, bill items, SPPT with the same NJOPTKP rule) in SQL. Records the
process's memory after every batch (it must stay flat: streamed, batched) and the peak.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/taxes_bench
    .venv/bin/python bench/bench_sppt.py --year 2031

Bills: the generation makes them through the payments app's ``bills_create_bulk`` (one call per batch).
``--bills per-row`` measures the fallback instead — one ``bill_create`` per SPPT, used when the payments app has no
bulk interface — on the first ``--sample`` objects, and extrapolates. Every run first deletes the SPPT, bills and
runs of ``--year`` (a benchmark database only!), and the floor runs in a transaction that is rolled back.

Writes ``bench/results/sppt-<timestamp>.json`` and prints a summary for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from balai.taxes.models import GenerationRun, TaxObject  # noqa: E402
from balai.taxes.services import generation_execute, generation_request  # noqa: E402
from balai.taxes.services.sppt import pbb_config  # noqa: E402

RESULTS = ROOT / "bench" / "results"


# --- Measuring -----------------------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def clean(year: int) -> None:
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("DELETE FROM taxes_assessment WHERE year = %s", [year])
        cursor.execute(
            "DELETE FROM payments_billitem WHERE bill_id IN (SELECT id FROM payments_bill WHERE reference LIKE %s)",
            [f"SPPT-{year}-%"],
        )
        cursor.execute("DELETE FROM payments_bill WHERE reference LIKE %s", [f"SPPT-{year}-%"])
        cursor.execute("DELETE FROM taxes_generationrun WHERE year = %s", [year])
    with connection.cursor() as cursor:
        for table in ("payments_bill", "payments_billitem", "taxes_assessment"):
            cursor.execute(f"VACUUM ANALYZE {table}")


FLOOR_SQL = """
WITH ranked AS (
    SELECT o.id, o.nop, o.taxpayer_id, t.name, o.land_area_m2, o.building_area_m2, o.njop,
           ROW_NUMBER() OVER (PARTITION BY o.taxpayer_id ORDER BY o.njop DESC, o.nop) AS rank
    FROM taxes_taxobject o JOIN taxes_taxpayer t ON t.id = o.taxpayer_id
    WHERE o.is_active
), figures AS (
    SELECT r.*, CASE WHEN r.rank = 1 THEN LEAST(%(njoptkp)s, r.njop) ELSE 0 END AS deducted
    FROM ranked r
), amounts AS (
    SELECT f.*, GREATEST(%(minimum)s, ROUND((f.njop - f.deducted) * %(rate)s / 100.0))::bigint AS amount
    FROM figures f
), bills AS (
    INSERT INTO payments_bill (payment_code, kind, status, payer_name, organization_id, revenue_code, description,
        reference, amount, due_at, penalty_percent_per_month, penalty_max_months, online_discount_percent,
        paid_amount, refunded_amount, cancellation_reason, created_at, updated_at)
    SELECT 'F' || lpad(a.id::text, 15, '0'), 'tax_assessment', 'unpaid', a.name, %(org)s, 'PBB-P2',
        'SPPT PBB-P2 ' || %(year)s || ' NOP ' || a.nop, 'SPPT-' || %(year)s || '-' || a.nop, a.amount, %(due)s,
        %(penalty)s, %(months)s, %(discount)s, 0, 0, '', now(), now()
    FROM amounts a
    RETURNING id, description, amount
), items AS (
    INSERT INTO payments_billitem (bill_id, position, description, amount, revenue_code)
    SELECT id, 0, description, amount, 'PBB-P2' FROM bills
    RETURNING bill_id
)
INSERT INTO taxes_assessment (tax_object_id, taxpayer_id, year, land_area_m2, building_area_m2, njop, njoptkp,
    rate_percent, amount, due_date, bill_id, status, created_at)
SELECT a.id, a.taxpayer_id, %(year)s, a.land_area_m2, a.building_area_m2, a.njop, a.deducted, %(rate)s, a.amount,
    %(due_date)s, b.id, 'unpaid', now()
FROM amounts a JOIN bills b ON b.description = 'SPPT PBB-P2 ' || %(year)s || ' NOP ' || a.nop
"""


def floor(year: int) -> tuple[float, int]:
    """The same rows with one INSERT … SELECT (bills, items, SPPT), timed, then rolled back."""
    from balai.taxes.access import tax_agency
    from balai.taxes.due import due_date, end_of_day

    config = pbb_config()
    due_on = due_date(config.due_rule, year=year)
    params = {
        "njoptkp": int(config.njoptkp or 0),
        "minimum": int(config.minimum_tax or 0),
        "rate": config.rate_percent,
        "org": tax_agency().pk,
        "year": year,
        "due": end_of_day(due_on),
        "due_date": due_on,
        "penalty": config.penalty_percent_per_month,
        "months": config.penalty_max_months,
        "discount": config.online_discount_percent,
    }
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            cursor.execute(FLOOR_SQL, params)
            rows = cursor.rowcount
            elapsed = time.monotonic() - started
        finally:
            cursor.execute("ROLLBACK")
    return elapsed, rows


def main() -> None:
    from balai.taxes.services.billing import bulk_available

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2031, help="a year no real SPPT use (its rows are deleted)")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--bills", choices=["bulk", "per-row"], default="bulk")
    parser.add_argument("--sample", type=int, default=3000, help="objects timed with --bills per-row")
    parser.add_argument("--no-floor", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL to the benchmark database (taxes_bench).")
    if settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
        sys.exit("Run with the database task backend (the default settings).")
    mode = args.bills
    if mode == "bulk" and not bulk_available():
        sys.exit("The payments app offers no bills_create_bulk: measure with --bills per-row.")
    if mode == "per-row":
        from balai.payments import services as payment_services

        # The generation uses bills_create_bulk whenever it exists: hide it for this process.
        del payment_services.bills_create_bulk
    objects = TaxObject.objects.filter(is_active=True).count()
    print(f"database {connection.settings_dict['NAME']}: {objects:,} active objects; bills: {mode}", flush=True)
    clean(args.year)
    if mode == "per-row":
        from django.db.models import Max

        # Only the first --sample objects: deactivate nothing, stop the run after enough batches instead.
        args.batch_size = min(args.batch_size, args.sample)
        last_id = (
            TaxObject.objects.filter(is_active=True)
            .order_by("id")
            .values_list("id", flat=True)[args.sample - 1 : args.sample]
        )
        stop_after = last_id[0] if last_id else TaxObject.objects.aggregate(m=Max("id"))["m"]
    run = generation_request(actor=None, year=args.year, enqueue=False)
    samples: list[tuple[int, float, float]] = []
    started = time.monotonic()

    class Enough(Exception):
        pass

    def progress(current: GenerationRun) -> None:
        samples.append((current.done, round(time.monotonic() - started, 2), round(rss_mb(), 1)))
        filled = 30 * current.percent // 100
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {current.percent:3d}% {current.done:,} objects", end="")
        if mode == "per-row" and current.last_object_id >= stop_after:
            raise Enough

    try:
        run = generation_execute(run_id=run.pk, batch_size=args.batch_size, on_progress=progress)
    except Enough:
        run.refresh_from_db()
    elapsed = time.monotonic() - started
    print(flush=True)
    rate = run.done / elapsed if elapsed else 0.0
    result: dict[str, Any] = {
        "when": timezone.now().isoformat(),
        "database": connection.settings_dict["NAME"],
        "objects": objects,
        "bills": mode,
        "batch_size": args.batch_size,
        "status": run.status,
        "handled": run.done,
        "created": run.created_count,
        "seconds": round(elapsed, 1),
        "objects_per_second": round(rate),
        "extrapolated_seconds_for_all": round(objects / rate, 1) if rate else None,
        "rss_mb_first_batch": samples[0][2] if samples else None,
        "rss_mb_last_batch": samples[-1][2] if samples else None,
        "rss_mb_max_sampled": max(s[2] for s in samples) if samples else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "samples_every_10": samples[::10],
    }
    if not args.no_floor and mode != "per-row":
        clean(args.year + 1)
        floor_seconds, floor_rows = floor(args.year + 1)
        result.update({"floor_seconds": round(floor_seconds, 1), "floor_rows": floor_rows})
        result["ratio_to_floor"] = round(elapsed / floor_seconds, 2) if floor_seconds else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"sppt-{timezone.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "samples_every_10"}, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
