"""Fill the benchmark database (issue 3's ``balai_bench``, migrated, with the demo agencies and the citizens of
``generate_cases.py``) with complaints for ``bench/bench_complaints.py``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balai_bench \\
        .venv/bin/python bench/generate_complaints.py --complaints 1000000

Each complaint is a case of the complaint workflow with its own number (``ADU-<YYYY>-<seq>``, in submission
order, the ``CaseSequence`` rows set to the last number) and a ``complaints_complaint`` row; both tables and
the timeline are written with PostgreSQL ``COPY`` in streamed chunks (memory stays flat). What it writes:

- categories weighted like a regency's complaints (roads, lights and waste dominate), the privacy chosen by
  reporters (75 % public, 20 % anonymous, 5 % confidential; extortion always confidential);
- a point for the categories that need a place: 60 % around 25 hot spots (town centres, markets; a normal
  spread of about 1.5 km), the rest spread over the regency (about 66 × 66 km), so the duplicate check
  meets realistic clusters; an address for the others;
- states by age (old complaints mostly closed, a backlog stays open; recent ones spread over verification,
  handling and waiting for the reporter), with the coordinator as the responsible agency until dispatch,
  the category's agency after it; dispatch, response and reaction deadlines from the real working-day
  calendar; a response late for about a quarter; ratings for about half of the closed ones;
- 0.5 % not counted (the reporter never confirmed the contact); reporters without an account have an
  encrypted e-mail (one token per 1,000 rows: encryption is the slow part and nothing reads it here);
- timeline entries: the submission, the dispatch and the agency's response (public, with text).

It refuses to run on SQLite. Run it again to add more complaints; numbers continue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from generate_cases import Copier, copy_escape, fetch, next_id, reset_identity, ts  # noqa: E402

from balai.cases.services import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH, format_case_number  # noqa: E402
from balai.complaints.categories import load_complaint_categories  # noqa: E402
from balai.complaints.masking import mask_personal_data  # noqa: E402
from balai.complaints.models import ComplaintCategory, ComplaintSettings  # noqa: E402
from balai.complaints.services.common import NUMBER_PREFIX  # noqa: E402
from balai.complaints.services.contact import contact_index  # noqa: E402
from balai.complaints.workflows import ensure_complaint_workflow  # noqa: E402
from balai.core.calendar import CALENDAR_TZ, add_working_days  # noqa: E402
from balai.core.crypto import encrypt  # noqa: E402

TOKEN_BLOCK = 1_000
CENTRE = (-6.60, 106.80)
SPREAD_DEG = 0.30  # ± 0.3° ≈ 66 km across
HOT_SPOTS = 25
HOT_SHARE = 0.60
HOT_SIGMA_DEG = 0.0135  # ≈ 1.5 km
WEIGHTS = {
    "JALAN-RUSAK": 20,
    "LAMPU-JALAN": 12,
    "SAMPAH": 12,
    "DRAINASE": 8,
    "POHON-TUMBANG": 4,
    "PENCEMARAN": 4,
    "PARKIR-LIAR": 5,
    "KETERTIBAN": 5,
    "LAYANAN-PUBLIK": 8,
    "PUNGLI": 2,
    "ADMINDUK": 8,
    "KESEHATAN": 5,
    "PENDIDIKAN": 4,
    "BANSOS": 5,
    "LAINNYA": 5,
}
TITLES = {
    "JALAN-RUSAK": ["Jalan berlubang", "Aspal mengelupas", "Jalan ambles dekat jembatan"],
    "LAMPU-JALAN": ["Lampu jalan mati", "PJU padam sejak seminggu"],
    "SAMPAH": ["Sampah menumpuk", "TPS liar di pinggir jalan"],
    "DRAINASE": ["Selokan tersumbat", "Genangan setiap hujan"],
}
DESCRIPTIONS = [
    "Sudah lebih dari {n} hari belum ada perbaikan. Mohon segera ditindaklanjuti.",
    "Kondisi ini membahayakan pengguna jalan, terutama malam hari. Sudah {n} kali ada yang jatuh.",
    "Warga sekitar sudah melapor ke RT, tetapi belum ada tindak lanjut sejak {n} minggu lalu.",
    "Mohon petugas meninjau lokasi. Foto terlampir. Kejadian berulang {n} kali bulan ini.",
]
RESPONSES = [
    "Terima kasih atas laporan Anda. Tim kami sudah meninjau lokasi dan perbaikan dijadwalkan minggu ini.",
    "Laporan sudah ditindaklanjuti: petugas telah memperbaiki di lokasi pada hari ini.",
    "Kami sudah berkoordinasi dengan kelurahan setempat; penanganan dilakukan bertahap.",
]
STREETS = ["Jl. Merdeka", "Jl. Pasar Baru", "Jl. Raya Cibadak", "Jl. Sudirman", "Jl. Siliwangi", "Jl. Pahlawan"]


def load_setup(cursor) -> dict:
    if not ComplaintCategory.objects.exists():
        load_complaint_categories()
    workflow = ensure_complaint_workflow()
    settings_row = ComplaintSettings.current()
    coordinator = settings_row.coordinator_id
    if coordinator is None:
        sys.exit("No coordinating agency: run `manage.py load_demo` (DISKOMINFO) first.")
    states = {s.code: (s.pk, s.kind) for s in workflow.states.all()}
    categories = []
    for category in ComplaintCategory.objects.filter(is_active=True).order_by("pk"):
        attributes = {}
        for spec in category.attributes or []:
            values = list((spec.get("values") or {}).keys()) if isinstance(spec.get("values"), dict) else []
            if values:
                attributes[spec["code"]] = values
        categories.append(
            {
                "id": category.pk,
                "code": category.code,
                "agency": category.routes_to_id or coordinator,
                "days": category.response_days,
                "point": category.needs_location,
                "confidential": category.forces_confidential or category.code == "PUNGLI",
                "attributes": attributes,
                "weight": WEIGHTS.get(category.code, 3),
            }
        )
    citizens = [r[0] for r in fetch(cursor, "SELECT id FROM accounts_user WHERE kind = 'citizen' ORDER BY id")]
    if not citizens:
        sys.exit("No citizens: run bench/generate_cases.py first.")
    districts = [r[0] for r in fetch(cursor, "SELECT id FROM organizations_district")] or [None]
    return {
        "workflow": workflow.pk,
        "coordinator": coordinator,
        "verification_days": settings_row.verification_days,
        "auto_close_days": settings_row.auto_close_days,
        "states": states,
        "categories": categories,
        "citizens": citizens,
        "districts": districts,
    }


def pick_state(age_days: int, rng: random.Random) -> str:
    roll = rng.random()
    if age_days > 30:
        table = [(0.80, "closed"), (0.86, "duplicate"), (0.92, "rejected"), (0.97, "in_progress"), (1.0, "responded")]
    elif age_days > 7:
        table = [
            (0.35, "closed"),
            (0.40, "duplicate"),
            (0.45, "rejected"),
            (0.70, "responded"),
            (0.90, "in_progress"),
            (0.95, "more_info"),
            (1.0, "verification"),
        ]
    else:
        table = [
            (0.35, "verification"),
            (0.75, "in_progress"),
            (0.90, "responded"),
            (0.95, "more_info"),
            (1.0, "closed"),
        ]
    return next(state for limit, state in table if roll < limit)


def point(rng: random.Random, spots: list[tuple[float, float]]) -> tuple[str, str]:
    if rng.random() < HOT_SHARE:
        lat, lon = rng.choice(spots)
        lat, lon = rng.gauss(lat, HOT_SIGMA_DEG), rng.gauss(lon, HOT_SIGMA_DEG)
    else:
        lat = CENTRE[0] + rng.uniform(-SPREAD_DEG, SPREAD_DEG)
        lon = CENTRE[1] + rng.uniform(-SPREAD_DEG, SPREAD_DEG)
    return f"{lat:.6f}", f"{lon:.6f}"


def generate(cursor, count: int, years: int, rng: random.Random, setup: dict) -> None:
    states, categories = setup["states"], setup["categories"]
    weights = [c["weight"] for c in categories]
    spots = [
        (CENTRE[0] + rng.uniform(-SPREAD_DEG, SPREAD_DEG) * 0.8, CENTRE[1] + rng.uniform(-SPREAD_DEG, SPREAD_DEG) * 0.8)
        for _ in range(HOT_SPOTS)
    ]
    sequences = dict(fetch(cursor, "SELECT year, last FROM cases_casesequence WHERE prefix = %s", (NUMBER_PREFIX,)))
    today = dt.datetime.now(CALENDAR_TZ).date()
    days = [today - dt.timedelta(days=d) for d in range(years * 365, -1, -1)]
    # Deadlines read the holiday calendar from the database, which is busy with COPY later: compute them now.
    spans = {setup["verification_days"], setup["auto_close_days"], *(c["days"] for c in categories)}
    deadlines = {}
    for day in {d + dt.timedelta(days=k) for d in days for k in range(0, 6)}:
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=CALENDAR_TZ)
        for span in spans:
            deadlines[(day, span)] = add_working_days(noon, span)
    per_day = count / len(days)
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
            "sla_extended_days", "closed_at", "version", "created_at", "updated_at", "applicant_id",
            "assessing_organization_id", "assigned_to_id", "organization_id", "service_version_id", "workflow_id",
            "state_id",
        ],
    )  # fmt: skip
    complaints = Copier(
        cursor,
        "complaints_complaint",
        [
            "case_id", "title", "description", "public_description", "attributes", "privacy", "latitude",
            "longitude", "address", "reporter_name", "reporter_email", "reporter_phone", "reporter_contact_index",
            "contact_verified_at", "is_published", "dispatched_at", "responded_at", "verification_due_at",
            "response_due_at", "reaction_due_at", "escalated_at", "reopened_count", "rating", "rating_comment",
            "rated_at", "open311_token", "created_at", "updated_at", "district_id", "duplicate_of_id", "category_id",
        ],
        spool=True,
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
    verification_id = states["verification"][0]
    email_token = email_index = ""
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
        # Complaints come every day, most in daytime (Asia/Jakarta), in submission order.
        seconds = sorted(rng.randrange(6 * 3600, 22 * 3600) for _ in range(todays))
        chosen = rng.choices(categories, weights=weights, k=todays)
        age = (today - day).days
        midnight = dt.datetime.combine(day, dt.time.min, tzinfo=CALENDAR_TZ)
        for second, category in zip(seconds, chosen, strict=True):
            submitted = midnight + dt.timedelta(seconds=second)
            if submitted > now:
                submitted = now - dt.timedelta(seconds=rng.randrange(60, 3600))
            sequences[day.year] = sequences.get(day.year, 0) + 1
            number = format_case_number(NUMBER_PREFIX, day.year, sequences[day.year])
            if made % TOKEN_BLOCK == 0:
                address = f"warga.tamu.{made}@bench.example"
                email_token, email_index = encrypt(address), contact_index(address)
            privacy = (
                "confidential"
                if category["confidential"]
                else rng.choices(["public", "anonymous", "confidential"], weights=[75, 20, 5])[0]
            )
            counted = rng.random() >= 0.005
            state = pick_state(age, rng) if counted else ("contact_check" if age < 3 else "unconfirmed")
            state_id, kind = states[state]
            with_account = rng.random() < 0.7
            applicant = rng.choice(setup["citizens"]) if with_account else None
            channel = rng.choices(["web", "open311", "api", "counter"], weights=[70, 15, 5, 10])[0]
            if not with_account and channel in {"open311", "api"}:
                channel = "web"
            walk_in = "" if with_account else ("Anonim" if privacy == "anonymous" else "Pelapor Tamu")
            verification_due = deadlines[(day, setup["verification_days"])]
            dispatched = responded = response_due = reaction_due = closed = rated = None
            rating = None
            organization = setup["coordinator"]
            due = verification_due if state == "verification" else None
            if state in {"in_progress", "responded", "closed"}:
                dispatch_day = day + dt.timedelta(days=rng.randrange(0, 3))
                dispatched = max(submitted, dt.datetime.combine(dispatch_day, dt.time(9), tzinfo=CALENDAR_TZ))
                dispatched = min(dispatched + dt.timedelta(minutes=rng.randrange(0, 480)), now)
                response_due = deadlines[(dispatch_day, category["days"])]
                organization = category["agency"]
                due = response_due if state == "in_progress" else None
            if state in {"responded", "closed"}:
                late = rng.random() < 0.25
                allowed = max(3600.0, (response_due - dispatched).total_seconds())
                spent = allowed * (rng.uniform(1.05, 2.5) if late else rng.uniform(0.05, 0.95))
                responded = min(dispatched + dt.timedelta(seconds=spent), now)
                reaction_due = add_working_days_cached(deadlines, responded.date(), setup["auto_close_days"])
                due = reaction_due if state == "responded" else None
            if kind == "final":
                base = responded or submitted
                closed = min(base + dt.timedelta(hours=rng.randrange(2, 24 * 12)), now)
                if state == "closed" and responded is not None and rng.random() < 0.5:
                    rating = rng.choices([1, 2, 3, 4, 5], weights=[5, 8, 17, 35, 35])[0]
                    rated = min(closed + dt.timedelta(hours=rng.randrange(1, 72)), now)
                reaction_due = None
            moved = closed or responded or dispatched or submitted
            lat = lon = None
            place = ""
            if category["point"]:
                lat, lon = point(rng, spots)
                place = f"{rng.choice(STREETS)} No. {rng.randrange(1, 300)}"
            elif rng.random() < 0.5:
                place = rng.choice(["Kantor kecamatan", "Loket pelayanan", "Puskesmas", "Sekolah dasar negeri"])
            title = rng.choice(TITLES.get(category["code"], [""]))
            text = rng.choice(DESCRIPTIONS).format(n=rng.randrange(2, 30))
            if rng.random() < 0.03:
                text += f" Hubungi saya di 0812-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}."
            masked = mask_personal_data(text)
            answers = {code: rng.choice(values) for code, values in category["attributes"].items()}
            code = "".join(rng.choices(VERIFICATION_ALPHABET, k=VERIFICATION_CODE_LENGTH))
            version = 1 + (dispatched is not None) + (responded is not None) + (closed is not None)
            confidentiality = {"public": "public", "anonymous": "normal", "confidential": "confidential"}[privacy]
            cases.row(
                case_id, number, day.year, sequences[day.year], code, "complaint", walk_in, "", "", "", channel,
                "normal", confidentiality, "{}", None, ts(submitted), None, ts(due) if due else None, None,
                ts(submitted) if kind == "waiting" and closed is None else None, 0, 0,
                ts(closed) if closed else None, version,
                ts(submitted), ts(moved), applicant, None, None, organization, None, setup["workflow"], state_id,
            )  # fmt: skip
            complaints.row(
                case_id, copy_escape(title), copy_escape(text), copy_escape(masked),
                copy_escape(json.dumps(answers)), privacy, lat, lon, copy_escape(place),
                walk_in if not with_account else "",
                "" if with_account else email_token, "", "" if with_account else email_index,
                ts(submitted) if not with_account and counted else None, "t" if counted else "f",
                ts(dispatched) if dispatched else None, ts(responded) if responded else None, ts(verification_due),
                ts(response_due) if response_due else None, ts(reaction_due) if reaction_due else None, None, 0,
                rating, "", ts(rated) if rated else None, "", ts(submitted), ts(moved),
                rng.choice(setup["districts"]), None, category["id"],
            )  # fmt: skip
            timeline.row(
                entry_id, "submission", "", "", "t", ts(submitted), applicant, None, case_id, None, verification_id
            )
            entry_id += 1
            if dispatched is not None:
                timeline.row(
                    entry_id, "transition", "dispatch", "", "t", ts(dispatched), None, None, case_id,
                    verification_id, states["in_progress"][0],
                )  # fmt: skip
                entry_id += 1
            if responded is not None:
                timeline.row(
                    entry_id, "transition", "respond", copy_escape(rng.choice(RESPONSES)), "t", ts(responded), None,
                    None, case_id, states["in_progress"][0], states["responded"][0],
                )  # fmt: skip
                entry_id += 1
            if kind == "final" and state != "unconfirmed":
                timeline.row(
                    entry_id, "transition", state, "", "t", ts(closed), None, None, case_id,
                    states["responded"][0] if responded else verification_id, state_id,
                )  # fmt: skip
                entry_id += 1
            case_id += 1
            made += 1
            if made % 100_000 == 0:
                elapsed = time.monotonic() - started
                print(f"  complaints: {made:>9,}  {made / elapsed:>8,.0f} /s", flush=True)
    cases.close()
    complaints.close()
    timeline.close()
    elapsed = time.monotonic() - started
    print(
        f"complaint cases: {cases.rows:,}, complaints: {complaints.rows:,}, timeline entries: {timeline.rows:,} "
        f"in {elapsed:.1f} s",
        flush=True,
    )
    reset_identity(cursor, "cases_case")
    reset_identity(cursor, "cases_timelineentry")
    for year, last in sequences.items():
        cursor.execute(
            """INSERT INTO cases_casesequence (prefix, year, last) VALUES (%s, %s, %s)
               ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST(cases_casesequence.last, EXCLUDED.last)""",
            (NUMBER_PREFIX, year, last),
        )


def add_working_days_cached(deadlines: dict, day: dt.date, span: int) -> dt.datetime:
    found = deadlines.get((day, span))
    if found is None:
        found = add_working_days(dt.datetime.combine(day, dt.time(12), tzinfo=CALENDAR_TZ), span)
        deadlines[(day, span)] = found
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=3, help="complaints spread over this many years up to today")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The generator needs PostgreSQL: set DATABASE_URL to the benchmark database.")
    rng = random.Random(args.seed)
    print(f"database {connection.settings_dict['NAME']}: {args.complaints:,} complaints over {args.years} years")
    connection.ensure_connection()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        setup = load_setup(cursor)  # through the ORM (it may create the categories), before the raw transaction
        with connection.connection.transaction():
            generate(cursor, args.complaints, args.years, rng, setup)
        started = time.monotonic()
        for table in ["cases_case", "complaints_complaint", "cases_timelineentry", "cases_casesequence"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"vacuum analyze: {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
