import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from balai.cases.models import Workflow
from balai.cases.services import case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.core.exceptions import Conflict
from balai.organizations.models import Role

pytestmark = pytest.mark.django_db


def test_ensure_workflows_command(capsys):
    call_command("ensure_workflows")
    assert "simple:" in capsys.readouterr().out
    codes = set(Workflow.objects.values_list("code", flat=True))
    assert {"simple", "technical_review", "recommendation"} <= codes  # plus those other apps ship
    call_command("ensure_workflows")  # running it again adds nothing
    assert set(Workflow.objects.values_list("code", flat=True)) == codes


def test_case_admin_is_read_only_and_hides_personal_data():
    case = submitted_case()
    from balai.cases.admin import CaseAdmin

    model_admin = CaseAdmin(type(case), None)
    assert not model_admin.has_add_permission(None) and not model_admin.has_delete_permission(None)
    assert {"walk_in_nik", "walk_in_phone", "verification_code"} <= set(model_admin.exclude)


def test_conflict_message_is_indonesian_by_default():
    service = published_service()
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification", expected_version=1)
    with translation.override("id"), pytest.raises(Conflict) as exc:
        case_transition(actor=verifier, case=case, transition="forward_for_approval", expected_version=1)
    assert "Muat ulang halaman" in str(exc.value.message)
    assert reverse("admin:cases_workflow_changelist")
