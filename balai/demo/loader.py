"""The Kabupaten Contoh demo data: region, agencies and units, districts and villages, demo people.

Idempotent: records are created when missing and never overwritten (an administrator's later edits
survive the next ``make run``), so a second run changes nothing. Passwords are random per install and
only exist for accounts created in this run; they are written to ``<VAR_DIR>/demo-credentials.txt``
(mode 0600) and never stored anywhere else in clear.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from balai.accounts.models import User, UserKind
from balai.accounts.nik import make_nik
from balai.audit.services import audit_log
from balai.organizations.models import District, Membership, Organization, Region, Village
from balai.organizations.services import membership_grant, organization_create

DATA_DIR = Path(__file__).resolve().parent / "data"
EMAIL_DOMAIN = "contoh.example"
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"
ADMIN_NAME = "Administrator Balai"
CREDENTIALS_FILENAME = "demo-credentials.txt"
# The demo region 99.01 is fictional, but a NIK must carry a real Kemendagri province code: the demo
# citizens' NIKs use 32.01 (and the district part of their demo district).
NIK_PROVINCE_REGENCY = "3201"
# Mobile numbers of the demo citizens (valid Indonesian mobile numbers, one per citizen, in order).
CITIZEN_PHONES = ["+6281200000001", "+6281200000002", "+6281200000003"]
CITIZEN_STREETS = ["Jl. Melati No. 12, RT 003/RW 004", "Jl. Kenanga No. 5, RT 001/RW 002", "Jl. Cempaka No. 8"]

ROLE_LABELS = {"citizen": "Warga / Citizen", "staff": "Pegawai / Staff", "admin": "Administrator platform"}


@dataclass
class Credential:
    role: str
    name: str
    email: str
    password: str
    sign_in_at: str = "/akun/"


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    credentials: list[Credential] = field(default_factory=list)
    credentials_path: Path | None = None

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def read_data(name: str = "organizations.yaml") -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def email_for(name: str) -> str:
    """``Siti Rahmawati`` → ``siti.rahmawati@contoh.example``."""
    local = ".".join(re.sub(r"[^a-z0-9]", "", part) for part in name.lower().split())
    return f"{local}@{EMAIL_DOMAIN}"


def new_password() -> str:
    return secrets.token_urlsafe(12)


def load_demo(*, credentials_dir: Path | None = None) -> LoadResult:
    """Load everything that is missing, in one transaction; write the credentials of new accounts."""
    data = read_data()
    result = LoadResult()
    with transaction.atomic():
        _load_region(data.get("region") or {}, result)
        admin = _load_admin(result)
        _load_organizations(data.get("organizations") or [], admin, result)
        _load_districts(data.get("districts") or [], result)
        people = data.get("demo_people") or {}
        _load_citizens(people.get("citizens") or [], admin, result)
        _load_staff(people.get("staff") or [], admin, result)
    if result.credentials:
        result.credentials_path = write_credentials(
            Path(credentials_dir or settings.VAR_DIR) / CREDENTIALS_FILENAME, result.credentials
        )
    return result


def _load_region(region: dict[str, Any], result: LoadResult) -> None:
    if not region or Region.objects.filter(code=region["code"]).exists():
        return
    obj = Region(
        code=str(region["code"]),
        name=region["name"],
        province=region.get("province", ""),
        capital=region.get("capital", ""),
        population=region.get("population"),
        timezone=region.get("timezone", "Asia/Jakarta"),
    )
    obj.full_clean()
    obj.save()
    result.count("regions")


def _create_user(*, email: str, full_name: str, kind: str, result: LoadResult, role: str, sign_in_at: str = "/akun/",
                 phone: str | None = None, superuser: bool = False) -> User:  # fmt: skip
    password = new_password()
    now = timezone.now()
    extra: dict[str, Any] = {"full_name": full_name, "kind": kind, "email_verified_at": now}
    if phone:
        extra["phone_verified_at"] = now
    if superuser:
        user = User.objects.create_superuser(email=email, password=password, phone=phone, **extra)
    else:
        user = User.objects.create_user(email=email, password=password, phone=phone, **extra)
    audit_log(
        action="user.created",
        actor_label="load_demo",
        target=user,
        summary={"kind": kind, "superuser": superuser, "source": "demo"},
    )
    result.count("users")
    result.credentials.append(
        Credential(role=role, name=full_name, email=email, password=password, sign_in_at=sign_in_at)
    )
    return user


def _load_admin(result: LoadResult) -> User:
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is None:
        admin = _create_user(
            email=ADMIN_EMAIL,
            full_name=ADMIN_NAME,
            kind=UserKind.STAFF,
            superuser=True,
            result=result,
            role=ROLE_LABELS["admin"],
            sign_in_at="/akun/, /admin/",
        )
    return admin


def _organization_defaults(item: dict[str, Any], region_name: str = "Kabupaten Contoh") -> dict[str, Any]:
    """Contact details for the directory: from the data when given, else fictional demo values."""
    code = item["code"]
    slug = code.lower().replace("_", "-")
    return {
        "name_en": item.get("name_en", ""),
        "address": item.get("address", f"Kompleks Perkantoran Pemerintah {region_name}, Kota Lama"),
        "phone": item.get("phone", ""),
        "email": item.get("email", f"{slug}@{EMAIL_DOMAIN}"),
        "website": item.get("website", f"https://{slug}.{EMAIL_DOMAIN}"),
        "opening_hours": item.get("opening_hours", "Senin–Kamis 08.00–15.30, Jumat 08.00–11.30"),
    }


def _load_organizations(items: list[dict[str, Any]], admin: User, result: LoadResult) -> None:
    existing = {org.code: org for org in Organization.objects.all()}

    def ensure(item: dict[str, Any], parent: Organization | None) -> None:
        organization = existing.get(item["code"])
        if organization is None:
            organization = organization_create(
                actor=admin,
                code=item["code"],
                name=item["name"],
                kind=item["kind"],
                parent=parent,
                **_organization_defaults(item),
            )
            existing[organization.code] = organization
            result.count("organizations")
        for unit in item.get("units") or []:
            ensure(unit, organization)

    for item in items:
        ensure(item, None)


def _load_districts(items: list[dict[str, Any]], result: LoadResult) -> None:
    districts = {d.code: d for d in District.objects.all()}
    villages = set(Village.objects.values_list("code", flat=True))
    for item in items:
        district = districts.get(item["code"])
        if district is None:
            district = District(code=item["code"], name=item["name"])
            district.full_clean()
            district.save()
            districts[district.code] = district
            result.count("districts")
        for v in item.get("villages") or []:
            if v["code"] in villages:
                continue
            village = Village(code=v["code"], name=v["name"], kind=v["kind"], district=district)
            village.full_clean()
            village.save()
            villages.add(village.code)
            result.count("villages")


def _load_citizens(items: list[dict[str, Any]], admin: User, result: LoadResult) -> None:
    from balai.accounts.services.profile import profile_update

    emails = [email_for(item["name"]) for item in items]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    with_profile = set(
        User.objects.filter(email__in=emails, citizen_profile__isnull=False).values_list("email", flat=True)
    )
    for n, (item, email) in enumerate(zip(items, emails, strict=True)):
        user = users.get(email)
        if user is None:
            user = _create_user(
                email=email,
                full_name=item["name"],
                kind=UserKind.CITIZEN,
                phone=CITIZEN_PHONES[n % len(CITIZEN_PHONES)],
                result=result,
                role=ROLE_LABELS["citizen"],
            )
        if email in with_profile:
            continue
        district = District.objects.get(code=item["district"])
        village = Village.objects.get(code=item["village"])
        birth_date = datetime.date.fromisoformat(str(item["birth_date"]))
        district_part = str(item["district"]).split(".")[-1]
        profile_update(
            actor=admin,
            user=user,
            nik=make_nik(birth_date, item["sex"], region=f"{NIK_PROVINCE_REGENCY}{district_part}", serial=n + 1),
            full_name=item["name"],
            birth_date=birth_date,
            sex=item["sex"],
            address=f"{CITIZEN_STREETS[n % len(CITIZEN_STREETS)]}, {village.name}",
            district=district,
            village=village,
        )
        result.count("profiles")


def _load_staff(items: list[dict[str, Any]], admin: User, result: LoadResult) -> None:
    emails = [email_for(item["name"]) for item in items]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    organizations = {o.code: o for o in Organization.objects.filter(code__in=[i["organization"] for i in items])}
    active = set(
        Membership.objects.active()
        .filter(user__email__in=emails)
        .values_list("user__email", "organization__code", "role")
    )
    for item, email in zip(items, emails, strict=True):
        organization = organizations[item["organization"]]
        user = users.get(email)
        if user is None:
            user = _create_user(
                email=email,
                full_name=item["name"],
                kind=UserKind.STAFF,
                result=result,
                role=f"{ROLE_LABELS['staff']}: {item['role']} @ {organization.code}",
            )
            users[email] = user
        if (email, organization.code, item["role"]) not in active:
            membership_grant(actor=admin, user=user, organization=organization, role=item["role"])
            result.count("memberships")


# --- The credentials file -----------------------------------------------------------------------------

_HEADER = (
    "Balai demo sign-ins (Kabupaten Contoh). Passwords are random for this installation.\n"
    "Staff and the administrator set up two-factor authentication (TOTP, an authenticator app) at their\n"
    "first sign-in. Keep this file private; delete it once you have changed the passwords.\n"
    "Akun demo Balai. Kata sandi acak untuk instalasi ini. Pegawai dan administrator mengaktifkan\n"
    "verifikasi dua langkah (TOTP) saat pertama kali masuk.\n\n"
)
_COLUMNS = ("role", "name", "e-mail", "password", "sign in at")
_ROW_RE = re.compile(r"^\| (?P<cells>.+) \|$")


def _format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(row[i])) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    divider = "|-" + "-|-".join("-" * w for w in widths) + "-|"
    return "\n".join([line(_COLUMNS), divider, *(line(r) for r in rows)]) + "\n"


def _read_rows(path: Path) -> list[tuple[str, ...]]:
    rows = []
    if not path.exists():
        return rows
    for text in path.read_text(encoding="utf-8").splitlines():
        match = _ROW_RE.match(text)
        if not match:
            continue
        cells = tuple(c.strip() for c in match.group("cells").split(" | "))
        if len(cells) == len(_COLUMNS) and cells != _COLUMNS:
            rows.append(cells)
    return rows


def write_credentials(path: Path, credentials: list[Credential]) -> Path:
    """Write (or extend) the table; rows of accounts created again replace their old rows."""
    new_rows = [(c.role, c.name, c.email, c.password, c.sign_in_at) for c in credentials]
    new_emails = {row[2] for row in new_rows}
    still_valid = set(User.objects.filter(email__in=[r[2] for r in _read_rows(path)]).values_list("email", flat=True))
    kept = [row for row in _read_rows(path) if row[2] not in new_emails and row[2] in still_valid]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(_HEADER + _format_table(kept + new_rows))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path
