"""Issuing benchmark: fill + render, sign and store N documents one after the other in one process pinned to one
CPU core, against the configured database (``DATABASE_URL``; SQLite by default), through ``document_issue``.

    .venv/bin/python bench/bench_issue.py --n 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench .venv/bin/python bench/bench_issue.py

It sets up (once, reused by later runs) an agency ``BENCH-DOCS`` with a demo signing key (``ensure_demo_pki``), a
service with a signed-PDF output and its template, and N completed cases. Each run issues one result document per
case, then (unless ``--keep``) deletes the documents it made and their files, so the next run starts alike. Event
consumers do not run (a dummy task backend), so only issuing is measured.

Prints documents per second and the split of the time: fill + render, sign, store + database (the share spent
signing), with p50/p95 per document, and writes them to ``bench/results/issue-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

BENCH_CODE = "BENCH-DOCS"
BODY = """Yang bertanda tangan di bawah ini menerangkan bahwa:

| Nama | {{ applicant.name }}
| Keperluan | {{ answers.purpose }}
| Nomor registrasi | {{ case.number }}
| Tanggal pengajuan | {{ case.submitted_date }}

benar telah mengajukan permohonan kepada {{ agency.name }} dan permohonannya telah disetujui. Surat ini dibuat \
untuk dipergunakan sebagaimana mestinya."""


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity)"


def setup(n: int) -> list:
    """The bench agency, service, template and ``n`` completed cases (created once, reused)."""
    from balai.accounts.models import User, UserKind
    from balai.cases.models import Case, StateKind
    from balai.cases.services import case_create
    from balai.cases.workflows import ensure_default_workflows
    from balai.documents.models import DocumentTemplate
    from balai.documents.services import document_template_save
    from balai.documents.signing import ensure_demo_pki
    from balai.organizations.models import Organization
    from balai.services.models import Service, ServiceCategory, ServiceVersion

    ensure_default_workflows()
    organization, _ = Organization.objects.get_or_create(
        code=BENCH_CODE,
        defaults={
            "name": "Dinas Uji Kinerja Dokumen",
            "kind": "dinas",
            "address": "Jl. Merdeka No. 1, Kota Lama",
            "email": "bench@contoh.invalid",
        },
    )
    ensure_demo_pki([organization])
    category, _ = ServiceCategory.objects.get_or_create(code="bench", defaults={"name": "Uji kinerja"})
    service = Service.objects.filter(code=BENCH_CODE).first()
    if service is None:
        from balai.cases.models import Workflow

        service = Service.objects.create(
            code=BENCH_CODE,
            name="Surat Keterangan Uji Kinerja",
            owner=organization,
            category=category,
            sla_days=3,
            is_published=True,
            output={"document": "Surat Keterangan", "format": "signed_pdf"},
        )
        version = ServiceVersion.objects.create(
            service=service,
            number=1,
            form_definition={"fields": [{"code": "purpose", "label": "Keperluan", "type": "text", "required": True}]},
            workflow=Workflow.objects.get(code="simple"),
        )
        Service.objects.filter(pk=service.pk).update(current_version=version)
        service.refresh_from_db()
    if not DocumentTemplate.objects.filter(service=service).exists():
        document_template_save(
            actor=None,
            template=DocumentTemplate(),
            actor_label="bench",
            data={
                "code": "bench-docs",
                "kind": "output",
                "service": service,
                "organization": organization,
                "document_type": "Surat Keterangan",
                "title": "Surat Keterangan Uji Kinerja",
                "body": BODY,
                "signer_name": "Drs. Bambang Sutrisno, M.Si.",
                "signer_position": "Kepala Dinas Uji Kinerja Dokumen",
                "signer_nip": "197001011990031001",
                "place": "Kota Lama",
            },
        )
    applicant = User.objects.filter(email="bench-docs@contoh.invalid").first()
    if applicant is None:
        applicant = User.objects.create_user(
            email="bench-docs@contoh.invalid", password=None, full_name="Siti Rahmawati", kind=UserKind.CITIZEN
        )
    cases = list(Case.objects.filter(service_version__service=service).order_by("id")[:n])
    completed = service.current_version.workflow.states.get(code="completed")
    while len(cases) < n:
        with transaction.atomic():
            for _ in range(min(200, n - len(cases))):
                cases.append(
                    case_create(
                        actor=applicant,
                        service_version=service.current_version,
                        answers={"purpose": "Melamar pekerjaan"},
                        channel="web",
                    )
                )
    Case.objects.filter(pk__in=[c.pk for c in cases]).exclude(state__kind=StateKind.FINAL).update(
        state=completed, closed_at=timezone.now()
    )
    return cases


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="documents to issue (default 1000)")
    parser.add_argument("--warmup", type=int, default=5, help="documents issued first and not counted")
    parser.add_argument("--keep", action="store_true", help="keep the issued documents and files")
    args = parser.parse_args()

    from balai.cases.models import Case
    from balai.documents.models import IssuedDocument
    from balai.documents.services import document_issue

    pinned = pin_to_one_core()
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        cases = setup(args.n + args.warmup)
        IssuedDocument.objects.filter(case__in=cases).delete()  # leftovers of an interrupted run
        totals: dict[str, float] = {}
        per_document: list[float] = []
        issued: list[IssuedDocument] = []
        for index, case in enumerate(cases):
            timings: dict[str, float] = {}
            started = time.perf_counter()
            document = document_issue(actor=None, case=Case.objects.get(pk=case.pk), timings=timings)
            elapsed = time.perf_counter() - started
            issued.append(document)
            if index < args.warmup:
                continue
            per_document.append(elapsed)
            for key, value in timings.items():
                totals[key] = totals.get(key, 0.0) + value
            totals["total"] = totals.get("total", 0.0) + elapsed
        if not args.keep:
            names = [d.storage_name for d in issued]
            IssuedDocument.objects.filter(pk__in=[d.pk for d in issued]).delete()
            for name in names:
                default_storage.delete(name)

    n = len(per_document)
    total = totals["total"]
    # "store" covers the file write, the row, the timeline entry, the audit event and the event; whatever the
    # three phases do not cover (locking the case, the checks before) is counted with it as database time.
    store_db = total - totals["render"] - totals["sign"]
    result = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu": pinned,
        "n": n,
        "documents_per_second": round(n / total, 1),
        "seconds_total": round(total, 3),
        "ms_per_document": {
            "mean": round(1000 * total / n, 1),
            "p50": round(1000 * statistics.median(per_document), 1),
            "p95": round(1000 * percentile(per_document, 95), 1),
        },
        "share": {
            "fill_render": round(totals["render"] / total, 3),
            "sign": round(totals["sign"] / total, 3),
            "store_db": round(store_db / total, 3),
        },
        "ms_per_document_by_phase": {
            "fill_render": round(1000 * totals["render"] / n, 1),
            "sign": round(1000 * totals["sign"] / n, 1),
            "store_db": round(1000 * store_db / n, 1),
        },
        "average_pdf_bytes": round(sum(d.size for d in issued) / len(issued)),
    }
    print(f"Issued {n} documents on {result['database']} ({pinned}) in {total:.1f} s")
    print(
        f"  {result['documents_per_second']} documents/second; per document p50 {result['ms_per_document']['p50']} ms,"
    )
    print(f"  p95 {result['ms_per_document']['p95']} ms; average PDF {result['average_pdf_bytes']} bytes")
    phases = result["ms_per_document_by_phase"]
    shares = result["share"]
    print(f"  fill + render {phases['fill_render']} ms ({shares['fill_render']:.0%})")
    print(f"  sign          {phases['sign']} ms ({shares['sign']:.0%})")
    print(f"  store + DB    {phases['store_db']} ms ({shares['store_db']:.0%})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"issue-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
