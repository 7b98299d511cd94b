"""Fill a migrated PostgreSQL database (after ``manage.py load_demo``) with citizens and cases for the
benchmarks in ``bench/bench_pages.py``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench \\
        .venv/bin/python bench/generate_cases.py --cases 1000000 --citizens 200000

What it writes, all through PostgreSQL ``COPY`` in streamed chunks (memory stays flat):

- ``--citizens`` citizen accounts (verified e-mail ``warga.<n>@bench.example``, an unusable password) with a
  profile each: a unique NIK (its blind index is computed per row, so look-ups by NIK work), while the
  encrypted NIK and address tokens are reused for blocks of rows (encryption is the slow part and nothing
  reads those columns in a benchmark);
- ``--cases`` cases over every published demo service that has a workflow, weighted like a regency's real
  demand (civil registration dominates), walked day by day over the last ``--years`` years so that the
  numbers ``<SERVICE>-<YYYY>-<seq>`` follow submission order, with the ``CaseSequence`` rows set to the last
  number issued; submission times on working days in office hours (Asia/Jakarta); ``due_at`` from the real
  working-day calendar; states by age (old cases are mostly closed, recent ones spread over the workflow,
  a small overdue backlog); 15 % counter walk-ins; answers valid for the service's form;
- one public "submission" timeline entry per case, and one "transition" entry for every case that left its
  initial state.

It refuses to run on SQLite and on a database without the demo services. Run it again to add more rows;
numbers continue from the ``CaseSequence`` rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from balai.accounts.models.profile import nik_blind_index  # noqa: E402
from balai.cases.services import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH, format_case_number  # noqa: E402
from balai.core.calendar import CALENDAR_TZ, add_working_days, is_working_day  # noqa: E402
from balai.core.crypto import encrypt  # noqa: E402
from balai.services.formdefs import clean_answers  # noqa: E402

CHUNK = 10_000
TOKEN_BLOCK = 1_000  # rows sharing one encrypted token (NIK, address)
WALK_IN_SHARE = 0.15
# Relative demand per service code; a service missing here gets DEFAULT_WEIGHT.
WEIGHTS = {
    "AKTA-LAHIR": 12,
    "KK-UBAH": 12,
    "KTP-EL": 10,
    "KIA": 6,
    "PINDAH": 6,
    "AKTA-KEMATIAN": 5,
    "SK-DOMISILI": 4,
    "SKTM": 4,
    "RSUD-ANTREAN": 4,
    "AK1": 3,
    "UJI-KIR": 3,
    "PBB-MUTASI": 3,
    "BANSOS-USUL": 3,
    "SKU": 3,
    "PBG": 2,
    "NPWPD": 2,
}
DEFAULT_WEIGHT = 1
FIRST = [
    "Siti", "Budi", "Made", "Dewi", "Agus", "Rina", "Hendra", "Yusuf", "Lina", "Fajar", "Sri", "Ahmad", "Nur",
    "Putu", "Wayan", "Eko", "Dian", "Rudi", "Ani", "Joko", "Indah", "Bayu", "Ratna", "Teguh", "Wulan", "Andi",
    "Fitri", "Hadi", "Maya", "Rizky",
]  # fmt: skip
LAST = [
    "Santoso", "Rahmawati", "Wirawan", "Lestari", "Prasetyo", "Kartika", "Wijaya", "Hidayat", "Marlina",
    "Nugroho", "Wahyuni", "Saputra", "Hasanah", "Siregar", "Nasution", "Simanjuntak", "Pratama", "Kusuma",
    "Setiawan", "Permana", "Utami", "Gunawan", "Susanto", "Hakim", "Fauzi",
]  # fmt: skip


def copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def ts(moment: dt.datetime) -> str:
    return moment.isoformat()


class Copier:
    """Streams tab-separated rows into one table with COPY, CHUNK rows per write.

    A connection runs one COPY at a time, so a second table filled in the same pass is ``spooled``: its rows
    go to a temporary file that is copied in chunks by ``close()`` once the first COPY is done."""

    def __init__(self, cursor, table: str, columns: list[str], *, spool: bool = False) -> None:
        self.cursor = cursor
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8") if spool else None  # noqa: SIM115 - closed in close()
        self.copy_cm = None if spool else cursor.copy(self.sql)
        self.copy = None if spool else self.copy_cm.__enter__()
        self.buffer = io.StringIO()
        self.pending = 0
        self.rows = 0

    def row(self, *values: object) -> None:
        self.buffer.write("\t".join("\\N" if v is None else str(v) for v in values))
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            (self.spool or self.copy).write(self.buffer.getvalue())
            self.rows += self.pending
            self.buffer = io.StringIO()
            self.pending = 0

    def close(self) -> None:
        self.flush()
        if self.spool is None:
            self.copy_cm.__exit__(None, None, None)
            return
        self.spool.seek(0)
        with self.cursor.copy(self.sql) as copy:
            while block := self.spool.read(4 * 1024 * 1024):
                copy.write(block)
        self.spool.close()


def fetch(cursor, sql: str, params: tuple = ()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def next_id(cursor, table: str) -> int:
    return fetch(cursor, f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0]  # noqa: S608 - our table names


def reset_identity(cursor, table: str) -> None:
    sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
    cursor.execute(sql)


def fake_nik(n: int) -> str:
    """A unique, well-formed 16-digit NIK per n (region 3201, a birth date, then a serial)."""
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    year = 60 + (n // 336) % 40
    serial = 1 + n // 13440
    return f"320101{day:02d}{month:02d}{year:02d}{serial:04d}"


def sample_answers(definition: dict, rng: random.Random) -> dict:
    """Answers valid for ``definition``: one candidate value per field type, kept when clean_answers takes it."""
    candidates = {
        "text": "Contoh Isian",
        "textarea": "Jl. Merdeka No. 10, RT 001/RW 002",
        "integer": None,
        "decimal": None,
        "date": "2024-05-17",
        "nik": "3201011705240001",
        "phone": "+6281234567890",
        "email": "warga@contoh.example",
        "geo": {"lat": "-6.5950", "lng": "106.8166"},
        "checkbox": True,
    }
    answers: dict = {}
    for field in definition.get("fields", []):
        ftype = field.get("type")
        if ftype in {"integer", "decimal"}:
            value = field.get("min") or 1
        elif ftype == "choice":
            value = next(iter(field.get("choices") or {"": ""}))
        elif ftype in {"region", "file"}:
            continue
        else:
            value = candidates.get(ftype)
        if field.get("max_length") and isinstance(value, str):
            value = value[: field["max_length"]]
        try:
            answers.update(clean_answers({"fields": [field]}, {field["code"]: value}, partial=True))
        except Exception:  # noqa: BLE001, S112 - a value the field refuses is simply left out
            continue
    return answers


def load_catalogue(cursor) -> list[dict]:
    services = []
    rows = fetch(
        cursor,
        """SELECT s.code, s.owner_id, s.sla_days, v.id, v.workflow_id, v.form_definition
           FROM services_service s JOIN services_serviceversion v ON v.id = s.current_version_id
           WHERE s.is_published ORDER BY s.id""",
    )
    rng = random.Random(7)
    for code, owner_id, sla_days, version_id, workflow_id, definition in rows:
        if isinstance(definition, str):
            definition = json.loads(definition)
        states = fetch(
            cursor,
            "SELECT id, code, kind, is_initial FROM cases_workflowstate WHERE workflow_id = %s ORDER BY position, id",
            (workflow_id,),
        )
        services.append(
            {
                "code": code,
                "owner": owner_id,
                "sla": sla_days,
                "version": version_id,
                "workflow": workflow_id,
                "states": states,
                "initial": next(s for s in states if s[3]),
                "open": [s for s in states if s[2] != "final"],
                "final": [s for s in states if s[2] == "final"],
                "answers": copy_escape(json.dumps(sample_answers(definition, rng), ensure_ascii=False)),
                "weight": WEIGHTS.get(code, DEFAULT_WEIGHT),
            }
        )
    return services


def generate_citizens(cursor, count: int, rng: random.Random) -> tuple[int, int]:
    """Insert ``count`` citizens with profiles; return the first and last user id."""
    if count <= 0:
        return 0, -1
    first_user = next_id(cursor, "accounts_user")
    first_profile = next_id(cursor, "accounts_citizenprofile")
    offset = fetch(cursor, "SELECT COUNT(*) FROM accounts_user WHERE email LIKE 'warga.%%@bench.example'")[0][0]
    villages = fetch(cursor, "SELECT id, district_id FROM organizations_village") or [(None, None)]
    password = "!benchmark-account-without-a-usable-password"  # noqa: S105 - unusable by design
    now = dt.datetime.now(CALENDAR_TZ)
    users = Copier(
        cursor,
        "accounts_user",
        [
            "id", "password", "is_superuser", "email", "full_name", "kind", "is_active", "is_staff",
            "email_verified_at", "language", "date_joined",
        ],
    )  # fmt: skip
    profiles = Copier(
        cursor,
        "accounts_citizenprofile",
        [
            "id",
            "user_id",
            "nik",
            "nik_index",
            "birth_date",
            "sex",
            "address",
            "updated_at",
            "district_id",
            "village_id",
        ],  # fmt: skip
        spool=True,
    )
    nik_token = address_token = ""
    for i in range(count):
        n = offset + i
        if i % TOKEN_BLOCK == 0:
            nik_token = encrypt(fake_nik(n))
            address_token = encrypt(f"Jl. Contoh No. {n % 200 + 1}, RT 00{n % 9 + 1}/RW 00{n % 7 + 1}")
        uid = first_user + i
        joined = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        email = f"warga.{n}@bench.example"
        users.row(uid, password, "f", email, name, "citizen", "t", "f", ts(joined), "id", ts(joined))
        village, district = rng.choice(villages)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(55 * 365))
        profiles.row(
            first_profile + i,
            uid,
            nik_token,
            nik_blind_index(fake_nik(n)),
            birth.isoformat(),
            rng.choice("MF"),
            address_token,
            ts(joined),
            district,
            village,
        )
    users.close()
    profiles.close()
    reset_identity(cursor, "accounts_user")
    reset_identity(cursor, "accounts_citizenprofile")
    return first_user, first_user + count - 1


def pick_state(service: dict, age_days: int, rng: random.Random) -> tuple:
    """Old cases are mostly closed (a 3 % backlog stays open); recent ones spread over the workflow."""
    roll = rng.random()
    if age_days > 60:
        if roll < 0.03:
            return rng.choice(service["open"])
        return service["final"][0] if roll < 0.91 else service["final"][-1]
    if age_days > 14:
        if roll < 0.6:
            return service["final"][0] if roll < 0.53 else service["final"][-1]
        return rng.choice(service["open"])
    if roll < 0.25:
        return service["initial"]
    if roll < 0.35:
        return service["final"][0] if roll < 0.32 else service["final"][-1]
    return rng.choice(service["open"])


def generate_cases(cursor, count: int, years: int, citizens: list[int] | range, rng: random.Random) -> None:
    services = load_catalogue(cursor)
    if not services:
        sys.exit("No published service with a workflow: run `manage.py load_demo` first.")
    if not citizens:
        sys.exit("No citizen accounts: generate some with --citizens.")
    members: dict[int, list[int]] = {}
    sql = "SELECT organization_id, user_id FROM organizations_membership WHERE ended_at IS NULL"
    for org, user in fetch(cursor, sql):
        members.setdefault(org, []).append(user)
    sequences = {(p, y): last for p, y, last in fetch(cursor, "SELECT prefix, year, last FROM cases_casesequence")}
    weights = [s["weight"] for s in services]

    today = dt.datetime.now(CALENDAR_TZ).date()
    days = [today - dt.timedelta(days=d) for d in range(years * 365, -1, -1)]
    days = [d for d in days if is_working_day(d)]
    per_day = count / len(days)
    # The calendar reads holidays from the database, which is busy with COPY later: compute deadlines now.
    deadlines = {
        (day, sla): add_working_days(dt.datetime.combine(day, dt.time(12), tzinfo=CALENDAR_TZ), sla)
        for day in days
        for sla in {s["sla"] for s in services if s["sla"]}
    }
    now = dt.datetime.now(CALENDAR_TZ)

    case_id = next_id(cursor, "cases_case")
    entry_id = next_id(cursor, "cases_timelineentry")
    cases = Copier(
        cursor,
        "cases_case",
        [
            "id", "number", "year", "sequence", "verification_code", "case_type", "walk_in_name", "walk_in_nik",
            "walk_in_nik_index", "walk_in_phone", "channel", "priority", "confidentiality", "answers", "fee_amount",
            "submitted_at", "sla_days", "due_at", "state_due_at", "sla_paused_at", "sla_paused_days",
            "sla_extended_days", "closed_at",
            "version", "created_at", "updated_at", "applicant_id", "assessing_organization_id", "assigned_to_id",
            "organization_id", "service_version_id", "workflow_id", "state_id",
        ],
    )  # fmt: skip
    timeline = Copier(
        cursor,
        "cases_timelineentry",
        [
            "id", "kind", "transition_code", "body", "is_public", "created_at", "actor_id", "attachment_id",
            "case_id", "from_state_id", "to_state_id",
        ],
        spool=True,
    )  # fmt: skip
    walk_nik = walk_index = ""
    made = 0
    carry = 0.0
    started = time.monotonic()
    for index, day in enumerate(days):
        carry += per_day
        todays = int(carry) if index < len(days) - 1 else count - made
        carry -= todays
        todays = min(todays, count - made)
        if todays <= 0:
            continue
        # Office hours 08:00–16:00 Asia/Jakarta, in submission order.
        seconds = sorted(rng.randrange(8 * 3600, 16 * 3600) for _ in range(todays))
        chosen = rng.choices(services, weights=weights, k=todays)
        age = (today - day).days
        midnight = dt.datetime.combine(day, dt.time.min, tzinfo=CALENDAR_TZ)
        for second, service in zip(seconds, chosen, strict=True):
            submitted = midnight + dt.timedelta(seconds=second)
            if submitted > now:
                submitted = now - dt.timedelta(seconds=rng.randrange(1, 3600))
            key = (service["code"], day.year)
            sequences[key] = sequences.get(key, 0) + 1
            sla = service["sla"]
            due = deadlines[(day, sla)] if sla else None
            state_id, state_code, kind, is_initial = pick_state(service, age, rng)
            closed = None
            if kind == "final":
                closed = submitted + dt.timedelta(hours=rng.randrange(2, 24 * max(2, (sla or 3) + 3)))
                closed = min(closed, now)
            org = service["owner"]
            staff = members.get(org)
            assigned = rng.choice(staff) if staff and not is_initial and rng.random() < 0.8 else None
            if made % TOKEN_BLOCK == 0:
                walk_nik_plain = fake_nik(10_000_000 + made)
                walk_nik, walk_index = encrypt(walk_nik_plain), nik_blind_index(walk_nik_plain)
            if rng.random() < WALK_IN_SHARE:
                applicant, channel = None, "counter"
                walk = (f"{rng.choice(FIRST)} {rng.choice(LAST)}", walk_nik, walk_index)
            else:
                applicant, channel = rng.choice(citizens), ("web" if rng.random() < 0.9 else "api")
                walk = ("", "", "")
            code = "".join(rng.choices(VERIFICATION_ALPHABET, k=VERIFICATION_CODE_LENGTH))
            paused = submitted + dt.timedelta(days=1) if kind == "waiting" and closed is None else None
            moved = closed or min(now, submitted + dt.timedelta(hours=rng.randrange(1, 72)))
            cases.row(
                case_id,
                format_case_number(service["code"], day.year, sequences[key]),
                day.year,
                sequences[key],
                code,
                "service_application",
                walk[0],
                walk[1],
                walk[2],
                "",
                channel,
                "normal" if rng.random() < 0.95 else "high",
                "normal",
                service["answers"],
                None,
                ts(submitted),
                sla,
                ts(due) if due else None,
                None,
                ts(paused) if paused else None,
                0,
                0,
                ts(closed) if closed else None,
                1 if is_initial else 2 + (kind == "final"),
                ts(submitted),
                ts(moved if not is_initial else submitted),
                applicant,
                None,
                assigned,
                org,
                service["version"],
                service["workflow"],
                state_id,
            )
            timeline.row(
                entry_id, "submission", "", "", "t", ts(submitted), applicant, None, case_id, None,
                service["initial"][0],
            )  # fmt: skip
            entry_id += 1
            if not is_initial:
                timeline.row(
                    entry_id, "transition", state_code, "", "t", ts(moved), assigned, None, case_id,
                    service["initial"][0], state_id,
                )  # fmt: skip
                entry_id += 1
            case_id += 1
            made += 1
            if made % 100_000 == 0:
                elapsed = time.monotonic() - started
                print(f"  cases: {made:>9,}  {made / elapsed:>8,.0f} cases/s", flush=True)
    cases.close()
    timeline.close()
    elapsed = time.monotonic() - started
    print(
        f"cases: {cases.rows:,} + timeline entries: {timeline.rows:,} in {elapsed:.1f} s "
        f"({cases.rows / elapsed:,.0f} cases/s, {(cases.rows + timeline.rows) / elapsed:,.0f} rows/s)",
        flush=True,
    )
    reset_identity(cursor, "cases_case")
    reset_identity(cursor, "cases_timelineentry")
    cursor.execute("CREATE TEMP TABLE bench_sequences (prefix varchar(64), year int, last int)")
    with cursor.copy("COPY bench_sequences FROM STDIN") as copy:
        for (prefix, year), last in sequences.items():
            copy.write_row((prefix, year, last))
    cursor.execute(
        """INSERT INTO cases_casesequence (prefix, year, last) SELECT prefix, year, last FROM bench_sequences
           ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST(cases_casesequence.last, EXCLUDED.last)"""
    )
    cursor.execute("DROP TABLE bench_sequences")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=2, help="submissions spread over this many years up to today")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The generator needs PostgreSQL: set DATABASE_URL to the benchmark database.")
    rng = random.Random(args.seed)
    print(f"database {connection.settings_dict['NAME']}: {args.citizens:,} citizens, {args.cases:,} cases", flush=True)
    connection.ensure_connection()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        started = time.monotonic()
        with connection.connection.transaction():
            first, last = generate_citizens(cursor, args.citizens, rng)
        elapsed = time.monotonic() - started
        if args.citizens:
            print(
                f"citizens: {args.citizens:,} users + profiles in {elapsed:.1f} s "
                f"({2 * args.citizens / elapsed:,.0f} rows/s)",
                flush=True,
            )
        if args.cases:
            if args.citizens:
                citizens: list[int] | range = range(first, last + 1)
            else:
                citizens = [r[0] for r in fetch(cursor, "SELECT id FROM accounts_user WHERE kind = 'citizen'")]
            with connection.connection.transaction():
                generate_cases(cursor, args.cases, args.years, citizens, rng)
        started = time.monotonic()
        for table in ["accounts_user", "accounts_citizenprofile", "cases_case", "cases_timelineentry"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"vacuum analyze: {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
