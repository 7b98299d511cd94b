import pytest

from balai.audit.models import AuditEvent
from balai.demo.loader import load_demo
from balai.demo.services_loader import load_services
from balai.services.models import FeeKind, FeeRuleConfig, Service, ServiceCategory, ServiceVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizations(tmp_path):
    load_demo(credentials_dir=tmp_path)


def test_loads_the_whole_catalogue_with_version_one(organizations):
    result = load_services()
    assert result.created["services"] == 30
    assert Service.objects.filter(is_published=True).count() == 30
    assert ServiceCategory.objects.count() == 9
    assert set(FeeRuleConfig.objects.values_list("code", flat=True)) == {"retribusi_pbg", "retribusi_uji_kir"}
    akta = Service.objects.get(code="AKTA-LAHIR")
    assert akta.owner.code == "DISDUKCAPIL"
    assert akta.current_version.number == 1
    assert akta.current_version.workflow.code == "simple"
    assert [f["code"] for f in akta.current_version.form_definition["fields"]][:2] == ["child_name", "birth_date"]
    assert akta.current_version.form_definition["requirements"][0]["code"] == "skl"
    assert "lahir" in akta.search_text.split()
    pbg = Service.objects.get(code="PBG")
    assert pbg.current_version.workflow.code == "technical_review"
    assert (pbg.fee_kind, pbg.fee_rule) == (FeeKind.RULE, "retribusi_pbg")
    assert Service.objects.get(code="SIP-NAKES").current_version.workflow.code == "recommendation"
    assert Service.objects.get(code="SKTM").routing == "by_applicant_village"
    assert Service.objects.get(code="PPID-INFO").sla_extension_days == 7
    info = Service.objects.get(code="INFO-IMUNISASI")
    assert info.kind == "information" and info.current_version is None
    assert Service.objects.get(code="KTP-EL").extra["slots"]["minutes"] == 15
    assert AuditEvent.objects.filter(action="service.created").count() == 30
    # A name with commas inside a YAML flow mapping is joined back together.
    gambar = next(r for r in pbg.current_version.requirements if r["code"] == "gambar")
    assert gambar["name"] == "Gambar rencana teknis (arsitektur, struktur, utilitas)"
    assert set(gambar) == {"code", "name", "file", "max_mb"}


def test_second_run_changes_nothing_and_keeps_an_administrators_edit(organizations):
    load_services()
    Service.objects.filter(code="AKTA-LAHIR").update(name="Akta Kelahiran (diubah admin)", is_published=False)
    versions = ServiceVersion.objects.count()
    result = load_services()
    assert result.created == {}
    assert ServiceVersion.objects.count() == versions
    akta = Service.objects.get(code="AKTA-LAHIR")
    assert akta.name == "Akta Kelahiran (diubah admin)"
    assert akta.is_published is False


def test_load_demo_command_loads_the_services(tmp_path, settings, capsys):
    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    call_command("load_demo")
    assert Service.objects.count() == 30
    call_command("load_demo")
    assert "nothing to do" in capsys.readouterr().out
