"""Server time of the public verification page ``/verifikasi/<id>/`` on the benchmark database (after
``bench/generate_documents.py``), in process (Django test client, real settings, no network), next to
``/healthz`` on the same stack as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench .venv/bin/python bench/bench_verify.py

Measures, each ``--n`` times after ``--warmup`` requests, anonymous as a checker would be:

- ``/healthz`` (the baseline);
- ``/verifikasi/<id>/`` for existing documents, a different random id per request (valid, revoked and
  replaced ones, as they come), answered 200;
- the same for unknown well-formed ids and for malformed ids (too long, wrong alphabet, SQL fragments,
  unicode), answered 404 — their times should match the existing ids' (no timing signal of existence);
- ``GET /api/v1/documents/<id>`` for existing ids;
- the selector alone (``document_for_verification``), to separate the database from the template;
- ``POST /verifikasi/`` with a signed one-page PDF (a throw-away PKI made for the run and trusted for it;
  the file matches no issued document, so the whole check runs: hash look-up, signature and chain
  validation, rendering), each request from another address so the upload rate limit does not trip.

Prints p50/p95/p99 (ms) and SQL queries per request, checks the target (p95 ≤ 20 ms for the page), writes the
figures to ``bench/results/verify-<time>.json`` and EXPLAIN (ANALYZE, BUFFERS) of the look-up to
``bench/results/verify-plans-<time>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import string
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_pages import RESULTS, machine, measure, silence_console_logs  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from balai.documents.models import PUBLIC_ID_LENGTH, new_public_id  # noqa: E402
from balai.documents.selectors import document_for_verification  # noqa: E402

TARGET_MS = 20.0


def sample_ids(count: int, rng: random.Random) -> list[str]:
    """``count`` public ids of existing documents, spread over the whole table (random primary keys)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM documents_issueddocument")
        low, high = cursor.fetchone()
        if low is None:
            sys.exit("No issued documents: run bench/generate_documents.py first.")
        wanted = sorted({rng.randint(low, high) for _ in range(count * 2)})
        cursor.execute("SELECT public_id FROM documents_issueddocument WHERE id = ANY(%s)", [wanted])
        ids = [row[0] for row in cursor.fetchall()]
    rng.shuffle(ids)
    if len(ids) < count:
        sys.exit(f"Only {len(ids)} documents found; generate more.")
    return ids[:count]


def malformed_ids(count: int, rng: random.Random) -> list[str]:
    shapes = [
        lambda: "".join(rng.choices(string.ascii_lowercase, k=PUBLIC_ID_LENGTH + rng.randint(1, 40))),  # too long
        lambda: "".join(rng.choices("0o1l", k=PUBLIC_ID_LENGTH)),  # right length, letters outside the alphabet
        lambda: "'%20OR%20'1'='1'--" + "".join(rng.choices(string.ascii_lowercase, k=5)),  # SQL fragment
        lambda: "".join(rng.choices("ąčęėįšųūž😀", k=PUBLIC_ID_LENGTH)),  # unicode
        lambda: "".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, PUBLIC_ID_LENGTH - 1))),  # too short
    ]
    return [rng.choice(shapes)() for _ in range(count)]


def signed_sample(directory: Path) -> tuple[bytes, Path]:
    """A one-page PDF signed by a certificate of a throw-away PKI, and the PEM file of its root."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from balai.documents.signing import pki
    from balai.documents.signing.pades import KeyMaterial, PreloadedKeySigner, sign_with_signer

    root_key, root_certificate = pki.make_root("Benchmark")
    key, certificate = pki.make_agency_certificate(
        root_key, root_certificate, common_name="Dinas Benchmark", organization_name="Benchmark"
    )
    root_file = directory / "benchmark-root.pem"
    root_file.write_bytes(pki.cert_pem(root_certificate))
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=A4)
    drawing.drawString(72, 770, "Surat Keterangan Benchmark 474/123/XI/2026")
    drawing.showPage()
    drawing.save()
    signer = PreloadedKeySigner(KeyMaterial(private_key=key, certificate=certificate))
    return sign_with_signer(buffer.getvalue(), signer), root_file


def explain(sql_list: list[str], out, title: str) -> None:
    out.write(f"\n{'=' * 100}\n{title}\n{'=' * 100}\n")
    with connection.cursor() as cursor:
        for sql in sql_list:
            if not sql.lstrip().upper().startswith("SELECT") or "documents_issueddocument" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            out.write(f"\n--- {sql}\n" + "\n".join(r[0] for r in cursor.fetchall()) + "\n")


def status_is(expected: int):
    def check(response) -> None:
        if response.status_code != expected:
            raise SystemExit(f"{response.request['PATH_INFO']} answered {response.status_code}, not {expected}")

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmark the PostgreSQL database: set DATABASE_URL.")
    silence_console_logs()
    rng = random.Random(args.seed)
    info = machine()
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, COUNT(*) FROM documents_issueddocument GROUP BY status ORDER BY status")
        by_status = dict(cursor.fetchall())
    info["documents"] = sum(by_status.values())
    info["documents_by_status"] = by_status
    print(f"{info['documents']:,} issued documents {by_status}, {info['cases']:,} cases; PostgreSQL "
          f"{info['postgresql']}; {info['nproc']} CPUs, {info['memory']}; DEBUG={info['debug']}")  # fmt: skip

    per_run = args.n + args.warmup + 1
    existing = iter(sample_ids(per_run * 3, rng))
    unknown = iter([new_public_id() for _ in range(per_run)])
    malformed = iter(malformed_ids(per_run, rng))
    client = Client()
    print(f"N={args.n} after {args.warmup} warm-up requests; a different id per request; times in ms")

    n, w = args.n, args.warmup
    ok = status_is(200)
    missing = status_is(404)

    def page(ids):
        return lambda: client.get(f"/verifikasi/{next(ids)}/")

    rows = [
        measure("baseline /healthz", lambda: client.get("/healthz"), n=n, warmup=w, check=ok),
        measure("verify page, existing id", page(existing), n=n, warmup=w, check=ok),
        measure("verify page, unknown id", page(unknown), n=n, warmup=w, check=missing),
        measure("verify page, malformed id", page(malformed), n=n, warmup=w, check=missing),
        measure(
            "API status, existing id",
            lambda: client.get(f"/api/v1/documents/{next(existing)}"),
            n=n,
            warmup=w,
            check=ok,
        ),
        measure(
            "selector only, existing id",
            lambda: document_for_verification(next(existing)),
            n=n,
            warmup=w,
            check=lambda d: None,
        ),
    ]
    with tempfile.TemporaryDirectory() as directory:
        signed, root_file = signed_sample(Path(directory))
        addresses = iter(f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" for i in range(10**7))

        def upload():
            data = {"file": SimpleUploadedFile("dokumen.pdf", signed, content_type="application/pdf")}
            return client.post("/verifikasi/", data, REMOTE_ADDR=next(addresses))

        def altered(response) -> None:
            ok(response)
            if b'data-outcome="altered"' not in response.content:
                raise SystemExit("the signed sample was not checked as expected (altered)")

        with override_settings(BALAI_SIGNING_TRUST_ROOTS=[str(root_file)]):
            rows.append(measure(f"upload check ({len(signed):,} B signed PDF)", upload, n=n, warmup=w, check=altered))
    print()
    by_name = {row["name"]: row for row in rows}
    found = by_name["verify page, existing id"]
    verdict = "met" if found["p95_ms"] <= TARGET_MS else f"MISSED by {found['p95_ms'] - TARGET_MS:.1f} ms"
    print(f"verification page p95 {found['p95_ms']:.2f} ms, target {TARGET_MS:.0f} ms: {verdict}")
    spread = [r["p50_ms"] for r in rows if r["name"].startswith("verify page")]
    print(f"p50 of existing / unknown / malformed ids: {' / '.join(f'{v:.2f}' for v in spread)} ms")

    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    with (RESULTS / f"verify-plans-{stamp}.txt").open("w") as out:
        for name in ["verify page, existing id", "verify page, unknown id", "verify page, malformed id"]:
            explain(by_name[name]["sql"], out, name)
    summary = {"machine": info, "args": vars(args), "target_ms": TARGET_MS, "results": rows}
    (RESULTS / f"verify-{stamp}.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"\nplans: bench/results/verify-plans-{stamp}.txt; figures: bench/results/verify-{stamp}.json")


if __name__ == "__main__":
    main()
