"""Fill a migrated PostgreSQL database with taxpayers and PBB-P2 tax objects for ``bench/bench_sppt.py``.

    createdb -h 127.0.0.1 -U postgres taxes_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/taxes_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/generate_tax_objects.py --objects 500000

What it writes, through PostgreSQL ``COPY`` in streamed chunks (memory stays flat):

- what the SPPT run needs when missing: the regency 99.01, the revenue agency BAPENDA, the tax configuration
  (``load_tax_config``);
- ``--taxpayers`` taxpayers (70 % of the objects by default, so many own two or more objects and the NJOPTKP rule
  has work to do), individuals with a few businesses, gap-free NPWPD continuing the ``TaxSequence``; the encrypted
  address token is reused for blocks of rows (encryption is the slow part and the benchmark never reads it);
- ``--objects`` active objects with unique, well-formed NOP of the regency numbered in order (object number, then
  block, then village 001..020, then district 010..100: 500,000 objects fill 50 blocks of village 001 of district
  010), land and building areas and NJOP per m² in realistic ranges, and NJOP as their product (the table's check
  constraint holds).

It refuses to run on SQLite. Running it again adds rows (NOP and NPWPD continue).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from balai.core.crypto import encrypt  # noqa: E402
from balai.organizations.models import Organization, OrganizationKind, Region  # noqa: E402
from balai.taxes.access import tax_agency_code  # noqa: E402
from balai.taxes.models import TaxSequence  # noqa: E402
from balai.taxes.npwpd import SEQUENCE_NAME, format_npwpd  # noqa: E402
from balai.taxes.services import load_tax_config  # noqa: E402

CHUNK = 10_000
TOKEN_BLOCK = 1_000
BUSINESS_SHARE = 0.08
DISTRICTS, VILLAGES, BLOCKS, NUMBERS = 10, 20, 999, 9999
FIRST = ["Siti", "Budi", "Made", "Dewi", "Agus", "Rina", "Hendra", "Yusuf", "Lina", "Fajar", "Sri", "Ahmad", "Nur",
         "Putu", "Wayan", "Eko", "Dian", "Rudi", "Ani", "Joko", "Indah", "Bayu", "Ratna", "Teguh", "Wulan"]  # fmt: skip
LAST = ["Santoso", "Rahmawati", "Wirawan", "Lestari", "Prasetyo", "Kartika", "Wijaya", "Hidayat", "Marlina",
        "Nugroho", "Wahyuni", "Saputra", "Hasanah", "Siregar", "Nasution", "Pratama", "Kusuma", "Setiawan"]  # fmt: skip
BUSINESS = ["Rumah Makan", "Toko", "CV", "Warung", "Hotel", "Bengkel", "Apotek", "Kios"]


class Copier:
    """Tab-separated rows into one table with COPY, CHUNK rows per write."""

    def __init__(self, cursor, table: str, columns: list[str]) -> None:
        self.cm = cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
        self.copy = self.cm.__enter__()
        self.buffer = io.StringIO()
        self.pending = 0

    def row(self, *values: object) -> None:
        self.buffer.write("\t".join("\\N" if v is None else str(v) for v in values))
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.copy.write(self.buffer.getvalue())
            self.buffer = io.StringIO()
            self.pending = 0

    def close(self) -> None:
        self.flush()
        self.cm.__exit__(None, None, None)


def ensure_prerequisites() -> str:
    region = Region.objects.filter(code="99.01").first() or Region.objects.create(code="99.01", name="Kabupaten Contoh")
    code = tax_agency_code()
    if not Organization.objects.filter(code=code).exists():
        Organization.objects.create(code=code, name="Badan Pendapatan Daerah", kind=OrganizationKind.BADAN)
    load_tax_config()
    return region.code


def nop_of(index: int) -> str:
    """The ``index``-th NOP (0-based) of the bench: 99.01.<district>.<village>.<block>.<number>.0."""
    index, number = divmod(index, NUMBERS)
    index, block = divmod(index, BLOCKS)
    index, village = divmod(index, VILLAGES)
    district = index % DISTRICTS
    return f"9901{(district + 1) * 10:03d}{village + 1:03d}{block + 1:03d}{number + 1:04d}0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=500_000)
    parser.add_argument("--taxpayers", type=int, default=0, help="default: 70 %% of --objects")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The generator needs PostgreSQL: set DATABASE_URL to the benchmark database (taxes_bench).")
    taxpayers = args.taxpayers or max(1, args.objects * 7 // 10)
    rng = random.Random(args.seed)
    regency = ensure_prerequisites()
    now = timezone.now().isoformat()
    sequence, _ = TaxSequence.objects.get_or_create(name=SEQUENCE_NAME)
    started = time.monotonic()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        with connection.connection.transaction():
            cursor.execute("LOCK TABLE taxes_taxpayer, taxes_taxobject IN EXCLUSIVE MODE")
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM taxes_taxpayer")
            first_id = cursor.fetchone()[0] + 1
            cursor.execute("SELECT COUNT(*) FROM taxes_taxobject WHERE nop LIKE '9901%%'")
            first_nop = cursor.fetchone()[0]
            cursor.execute("SELECT last_value FROM taxes_taxsequence WHERE id = %s FOR UPDATE", [sequence.pk])
            first_serial = cursor.fetchone()[0] + 1
            out = Copier(
                cursor,
                "taxes_taxpayer",
                ["id", "npwpd", "name", "kind", "address", "npwp", "is_active", "registered_at", "updated_at"],
            )
            token = ""
            for n in range(taxpayers):
                if n % TOKEN_BLOCK == 0:
                    token = encrypt(f"Jl. Bench No. {n}, Kabupaten Contoh")
                business = rng.random() < BUSINESS_SHARE
                kind = "business" if business else "individual"
                name = (
                    f"{rng.choice(BUSINESS)} {rng.choice(LAST)} {n}"
                    if business
                    else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                )
                npwpd = format_npwpd(kind=kind, serial=first_serial + n, regency_code=regency)
                out.row(first_id + n, npwpd, name, kind, token, "", "t", now, now)
            out.close()
            cursor.execute(
                "UPDATE taxes_taxsequence SET last_value = %s WHERE id = %s",
                [first_serial + taxpayers - 1, sequence.pk],
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('taxes_taxpayer', 'id'), (SELECT MAX(id) FROM taxes_taxpayer))"
            )
            out = Copier(
                cursor,
                "taxes_taxobject",
                ["nop", "taxpayer_id", "location", "land_area_m2", "building_area_m2", "njop_land_per_m2",
                 "njop_building_per_m2", "njop", "is_active", "created_at", "updated_at"],
            )  # fmt: skip
            for n in range(args.objects):
                # Every taxpayer gets one object first; the rest go to random taxpayers (two or more objects).
                owner = first_id + (n if n < taxpayers else rng.randrange(taxpayers))
                land = rng.randint(60, 2000)
                building = 0 if rng.random() < 0.25 else rng.randint(21, 400)
                njop_land = rng.choice((48_000, 103_000, 200_000, 394_000, 614_000, 1_032_000, 1_960_000))
                njop_building = 0 if not building else rng.choice((350_000, 968_000, 1_500_000, 2_500_000))
                njop = land * njop_land + building * njop_building
                location = f"Blok {nop_of(first_nop + n)[10:13]} No. {n % 200 + 1}"
                out.row(
                    nop_of(first_nop + n),
                    owner,
                    location,
                    land,
                    building,
                    njop_land,
                    njop_building,
                    njop,
                    "t",
                    now,
                    now,
                )
            out.close()
        loaded = time.monotonic() - started
        print(f"{taxpayers:,} taxpayers and {args.objects:,} objects in {loaded:.1f} s", flush=True)
        for table in ("taxes_taxpayer", "taxes_taxobject"):
            cursor.execute(f"VACUUM ANALYZE {table}")


if __name__ == "__main__":
    main()
