"""The demo loader: everything from organizations.yaml, demo people with valid data, idempotent, safe."""

import re
import stat
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from balai.accounts.models import CitizenProfile, User, UserKind
from balai.accounts.nik import validate_nik
from balai.audit.models import AuditEvent
from balai.audit.services import audit_verify_chain
from balai.demo import loader
from balai.organizations.models import District, Membership, Organization, Region, Village
from balai.organizations.scoping import can_act_on, is_platform_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Region, Organization, District, Village, User, Membership, CitizenProfile, AuditEvent)
    }


def _yaml_organization_count(items):
    return sum(1 + _yaml_organization_count(item.get("units") or []) for item in items)


def test_loads_everything_from_the_yaml(var_dir):
    data = loader.read_data()
    result = loader.load_demo()
    assert Region.objects.get().code == data["region"]["code"]
    assert Organization.objects.count() == _yaml_organization_count(data["organizations"])
    assert Organization.objects.get(code="SETDA-PBJ").parent.code == "SETDA"
    assert Organization.objects.get(code="DISDUKCAPIL").name_en == "Population and Civil Registration"
    assert District.objects.count() == len(data["districts"])
    assert Village.objects.count() == sum(len(d["villages"]) for d in data["districts"])
    assert Village.objects.get(code="99.01.02.2001").district.code == "99.01.02"
    people = data["demo_people"]
    assert User.objects.filter(kind=UserKind.CITIZEN).count() == len(people["citizens"])
    assert User.objects.filter(kind=UserKind.STAFF, is_superuser=False).count() == len(people["staff"])
    assert len(result.credentials) == len(people["citizens"]) + len(people["staff"]) + 1
    assert audit_verify_chain().ok


def test_second_run_changes_nothing_and_is_fast(var_dir, django_assert_max_num_queries):
    loader.load_demo()
    before = _counts()
    content = (var_dir / "demo-credentials.txt").read_text()
    with django_assert_max_num_queries(15):
        result = loader.load_demo()
    assert not result.changed and result.credentials == [] and result.credentials_path is None
    assert _counts() == before
    assert (var_dir / "demo-credentials.txt").read_text() == content


def test_command_prints_credentials_once(var_dir, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "admin@contoh.example" in first and "siti.rahmawati@contoh.example" in first
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "nothing to do" in second and "@contoh.example" not in second


def _credentials(path: Path) -> dict[str, tuple[str, ...]]:
    rows = {}
    for line in path.read_text().splitlines():
        if line.startswith("| ") and "@" in line:
            cells = tuple(c.strip() for c in line.strip("|").split("|"))
            rows[cells[2]] = cells
    return rows


def test_credentials_file_is_private_and_its_passwords_work(var_dir):
    loader.load_demo()
    path = var_dir / "demo-credentials.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "two-factor" in text and "TOTP" in text
    rows = _credentials(path)
    assert len(rows) == 12
    for email, (_role, _name, _email, password, _where) in rows.items():
        user = User.objects.get(email=email)
        assert user.check_password(password), email
    passwords = [row[3] for row in rows.values()]
    assert len(set(passwords)) == len(passwords) and all(len(p) >= 12 for p in passwords)


def test_passwords_differ_per_install(var_dir, tmp_path_factory):
    """Two installations (here: the same load rolled back and done again) get different passwords."""
    from django.db import transaction

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        loader.load_demo()
        raise Rollback
    assert not User.objects.exists()
    other = tmp_path_factory.mktemp("second")
    loader.load_demo(credentials_dir=other)
    first = _credentials(var_dir / "demo-credentials.txt")
    second = _credentials(other / "demo-credentials.txt")
    assert set(first) == set(second)
    assert all(first[email][3] != second[email][3] for email in first)


def test_no_fixed_password_in_the_code():
    source = Path(loader.__file__).read_text()
    assert "token_urlsafe" in source
    assert not re.search(r"password\s*=\s*[\"']", source, re.IGNORECASE)
    assert not re.search(r"set_password\([\"']", source)


def test_recreated_account_replaces_its_row_and_others_are_kept(var_dir):
    loader.load_demo()
    path = var_dir / "demo-credentials.txt"
    before = _credentials(path)
    budi = User.objects.get(email="budi.santoso@contoh.example")
    CitizenProfile.objects.filter(user=budi).delete()
    Membership.objects.filter(user=budi).delete()
    User.objects.filter(pk=budi.pk).update(email="budi.lama@contoh.example", phone=None, phone_index=None)
    result = loader.load_demo()
    assert [c.email for c in result.credentials] == ["budi.santoso@contoh.example"]
    after = _credentials(path)
    assert set(after) == set(before)
    assert after["budi.santoso@contoh.example"][3] != before["budi.santoso@contoh.example"][3]
    assert after["admin@contoh.example"] == before["admin@contoh.example"]


def test_citizens_are_verified_with_valid_nik_matching_birth_date_and_sex(var_dir):
    loader.load_demo()
    data = loader.read_data()
    for item in data["demo_people"]["citizens"]:
        user = User.objects.get(email=loader.email_for(item["name"]))
        assert user.email_verified_at and user.phone_verified_at and user.phone.startswith("+628")
        profile = user.citizen_profile
        parts = validate_nik(profile.nik, birth_date=profile.birth_date, sex=profile.sex)
        assert parts.province == "32"  # a real Kemendagri province code, never 99
        assert profile.sex == item["sex"] and str(profile.birth_date) == item["birth_date"]
        assert profile.district.code == item["district"] and profile.village.code == item["village"]
        if item["sex"] == "F":
            assert parts.nik[6:8] == f"{profile.birth_date.day + 40:02d}"


def test_siti_has_the_expected_email():
    loader.load_demo()
    assert User.objects.filter(email="siti.rahmawati@contoh.example", full_name="Siti Rahmawati").exists()


def test_staff_have_their_roles_and_scope(var_dir):
    loader.load_demo()
    data = loader.read_data()
    for item in data["demo_people"]["staff"]:
        user = User.objects.get(email=loader.email_for(item["name"]))
        assert user.kind == UserKind.STAFF and not user.is_superuser and user.is_staff_member
        organization = Organization.objects.get(code=item["organization"])
        assert Membership.objects.active().filter(user=user, organization=organization, role=item["role"]).exists()
        assert can_act_on(user, organization, roles=[item["role"]])
    dewi = User.objects.get(email="dewi.lestari@contoh.example")
    assert not can_act_on(dewi, Organization.objects.get(code="BAPENDA"))


def test_platform_admin(var_dir):
    loader.load_demo()
    admin = User.objects.get(email="admin@contoh.example")
    assert is_platform_admin(admin) and admin.is_staff


def test_a_demo_sign_in_works_through_the_backend(var_dir, rf):
    loader.load_demo()
    row = _credentials(var_dir / "demo-credentials.txt")["siti.rahmawati@contoh.example"]
    request = rf.post("/akun/masuk/")
    assert authenticate(request, username="siti.rahmawati@contoh.example", password=row[3]) is not None


def test_directory_shows_demo_contacts(var_dir, client):
    loader.load_demo()
    response = client.get("/instansi/DISDUKCAPIL/")
    assert response.status_code == 200
    assert "disdukcapil@contoh.example" in response.content.decode()


def test_admin_edits_survive_a_second_run(var_dir):
    loader.load_demo()
    Organization.objects.filter(code="DINKES").update(name="Dinas Kesehatan (diubah)")
    loader.load_demo()
    assert Organization.objects.get(code="DINKES").name == "Dinas Kesehatan (diubah)"


def test_failure_rolls_everything_back(var_dir, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "_load_staff", boom)
    with pytest.raises(RuntimeError):
        loader.load_demo()
    assert _counts() == dict.fromkeys(_counts(), 0)
    assert not (var_dir / "demo-credentials.txt").exists()
