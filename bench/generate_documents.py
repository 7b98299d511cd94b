"""Fill the benchmark PostgreSQL database (after ``bench/generate_cases.py``) with issued documents for
``bench/bench_verify.py``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench \\
        .venv/bin/python bench/generate_documents.py --documents 1000000

Walks the existing cases in id order (only cases that have no document yet, so a second run adds more) and
writes, through PostgreSQL ``COPY``:

- a receipt (tanda terima) for every case, issued at submission, held by the applicant (walk-ins: no account);
- for every case closed in a successful final state, the service's output document (its ``output.document``
  name, e.g. "Akta Kelahiran"), issued at closing, numbered ``<AGENCY>/<case number>/<roman month>/<year>``;
- 1.5 % of the outputs revoked (with a date and a reason), 0.5 % reissued: the old one ``replaced`` by a newer
  document that follows it;
- well-formed but fake values where the real ones need a PDF: a random 20-letter public id of the real
  alphabet, the SHA-256 of a per-row string, one fake certificate fingerprint per agency, a storage name
  (no file is written; the benchmark does not download).

Stops at ``--documents`` rows. Touches only ``documents_issueddocument``; refuses SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from generate_cases import Copier, copy_escape, fetch, next_id, reset_identity, ts  # noqa: E402

from balai.core.calendar import CALENDAR_TZ  # noqa: E402
from balai.documents.models import _PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH  # noqa: E402

REVOKED_SHARE = 0.015
REPLACED_SHARE = 0.005
FAILED_FINAL_STATES = ("rejected", "withdrawn", "cancelled")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
REASONS = [
    "Diterbitkan dengan tanggal lahir yang salah.",
    "Data alamat pemohon keliru; diganti dengan dokumen baru.",
    "Permohonan dibatalkan atas permintaan pemohon.",
]
COLUMNS = [
    "id", "public_id", "kind", "document_type", "number", "holder_name", "storage_name", "size", "sha256",
    "signer_name", "signer_position", "signer_nip", "signing_provider", "certificate_sha256", "issued_at", "status",
    "revoked_at", "revocation_reason", "case_id", "holder_id", "issued_by_id", "organization_id", "replaced_by_id",
    "revoked_by_id", "template_version_id",
]  # fmt: skip
CASES_SQL = """
    SELECT c.id, c.number, c.organization_id, o.code, c.applicant_id,
           COALESCE(NULLIF(u.full_name, ''), c.walk_in_name), c.submitted_at, c.closed_at, s.kind, s.code,
           svc.name, svc.output
    FROM cases_case c
    JOIN cases_workflowstate s ON s.id = c.state_id
    JOIN organizations_organization o ON o.id = c.organization_id
    LEFT JOIN services_serviceversion v ON v.id = c.service_version_id
    LEFT JOIN services_service svc ON svc.id = v.service_id
    LEFT JOIN accounts_user u ON u.id = c.applicant_id
    WHERE c.id > %s AND NOT EXISTS (SELECT 1 FROM documents_issueddocument d WHERE d.case_id = c.id)
    ORDER BY c.id
"""


def public_id(rng: random.Random) -> str:
    return "".join(rng.choices(_PUBLIC_ID_ALPHABET, k=PUBLIC_ID_LENGTH))


def fake_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def output_name(service_name: str | None, output: object) -> str:
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            output = {}
    name = output.get("document") if isinstance(output, dict) else None
    return str(name or service_name or "Dokumen Layanan")


class CaseRow(NamedTuple):
    id: int
    number: str
    org_id: int
    org_code: str
    applicant_id: int | None
    holder: str
    submitted_at: dt.datetime
    closed_at: dt.datetime | None
    state_kind: str
    state_code: str
    service_name: str | None
    service_output: object


class Writer:
    """Assigns ids and writes one document row (with its revocation or replacement) to the spool."""

    def __init__(self, copier: Copier, first_id: int, rng: random.Random) -> None:
        self.copier = copier
        self.next = first_id
        self.rng = rng
        self.counts = {"receipt": 0, "output": 0, "revoked": 0, "replaced": 0}
        self.certificates: dict[str, str] = {}

    def write(self, *, kind, doc_type, number, holder_name, issued_at, case_id, holder_id, org_id, org_code,
              status="valid", revoked_at=None, reason="", replaced_by=None) -> int:  # fmt: skip
        row_id = self.next
        self.next += 1
        pid = public_id(self.rng)
        certificate = self.certificates.setdefault(org_code, fake_sha256(f"bench-certificate-{org_code}"))
        self.copier.row(
            row_id, pid, kind, copy_escape(doc_type), copy_escape(number), copy_escape(holder_name or "-"),
            f"documents/bench/{pid}.pdf", self.rng.randrange(40_000, 90_000), fake_sha256(f"bench-document-{pid}"),
            "Drs. Contoh Pejabat, M.Si.", "Kepala Dinas", "197001011990031001", "demo", certificate, ts(issued_at),
            status, ts(revoked_at) if revoked_at else None, copy_escape(reason), case_id, holder_id, None, org_id,
            replaced_by, None, None,
        )  # fmt: skip
        self.counts[kind if kind in self.counts else "output"] += 1
        if status in {"revoked", "replaced"}:
            self.counts[status] += 1
        return row_id


def generate(cursor, count: int, rng: random.Random) -> int:
    copier = Copier(cursor, "documents_issueddocument", COLUMNS, spool=True)
    writer = Writer(copier, next_id(cursor, "documents_issueddocument"), rng)
    started = time.monotonic()
    now = dt.datetime.now(dt.UTC)
    made = 0
    last_case = 0
    while made < count:
        # Cases in batches by id; the spool file, not memory, holds the rows until the one COPY at the end.
        batch = fetch(cursor, CASES_SQL + " LIMIT 20000", (last_case,))
        if not batch:
            break
        for row in batch:
            if made >= count:
                break
            case = CaseRow(*row)
            last_case = case.id
            common = {
                "holder_name": case.holder,
                "case_id": case.id,
                "holder_id": case.applicant_id,
                "org_id": case.org_id,
                "org_code": case.org_code,
            }
            writer.write(
                kind="receipt",
                doc_type="Tanda Terima Permohonan",
                number=f"TT/{case.number}",
                issued_at=case.submitted_at,
                **common,
            )
            made += 1
            succeeded = case.state_kind == "final" and case.state_code not in FAILED_FINAL_STATES
            if made >= count or not succeeded or case.closed_at is None:
                continue
            closed = case.closed_at
            local = closed.astimezone(CALENDAR_TZ)
            output = {
                "kind": "output",
                "doc_type": output_name(case.service_name, case.service_output),
                "number": f"{case.org_code}/{case.number}/{ROMAN[local.month - 1]}/{local.year}",
                "issued_at": closed,
                **common,
            }
            roll = rng.random()
            if roll < REPLACED_SHARE and made + 2 <= count:
                newer = writer.next + 1  # the reissue is written right after the replaced one
                writer.write(**output, status="replaced", replaced_by=newer)
                reissued_at = min(now, closed + dt.timedelta(days=rng.randrange(1, 30)))
                writer.write(**{**output, "number": output["number"] + "-R1", "issued_at": reissued_at})
                made += 2
            elif roll < REPLACED_SHARE + REVOKED_SHARE:
                revoked_at = min(now, closed + dt.timedelta(days=rng.randrange(1, 90)))
                writer.write(**output, status="revoked", revoked_at=revoked_at, reason=rng.choice(REASONS))
                made += 1
            else:
                writer.write(**output)
                made += 1
            if made % 100_000 < 2:
                print(f"  documents: {made:>9,}  {made / (time.monotonic() - started):>8,.0f} rows/s", flush=True)
    spooled = time.monotonic() - started
    copier.close()
    elapsed = time.monotonic() - started
    print(
        f"documents: {copier.rows:,} ({writer.counts}) in {elapsed:.1f} s "
        f"(prepared in {spooled:.1f} s, COPY {elapsed - spooled:.1f} s; {copier.rows / elapsed:,.0f} rows/s)",
        flush=True,
    )
    reset_identity(cursor, "documents_issueddocument")
    return copier.rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The generator needs PostgreSQL: set DATABASE_URL to the benchmark database.")
    rng = random.Random(args.seed)
    connection.ensure_connection()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        before = fetch(cursor, "SELECT COUNT(*) FROM documents_issueddocument")[0][0]
        cases = fetch(cursor, "SELECT COUNT(*) FROM cases_case")[0][0]
        if not cases:
            sys.exit("No cases: run bench/generate_cases.py first.")
        print(f"database {connection.settings_dict['NAME']}: {cases:,} cases, {before:,} documents; "
              f"adding {args.documents:,}", flush=True)  # fmt: skip
        with connection.connection.transaction():
            generate(cursor, args.documents, rng)
        started = time.monotonic()
        cursor.execute("VACUUM ANALYZE documents_issueddocument")
        print(f"vacuum analyze: {time.monotonic() - started:.1f} s", flush=True)
        after = fetch(cursor, "SELECT COUNT(*) FROM documents_issueddocument")[0][0]
        print(f"documents now: {after:,}", flush=True)


if __name__ == "__main__":
    main()
