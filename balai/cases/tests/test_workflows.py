import pytest
from django.core.exceptions import ValidationError

from balai.cases.models import StateKind, Workflow, WorkflowState, WorkflowTransition
from balai.cases.workflows import ensure_default_workflows

pytestmark = pytest.mark.django_db


def test_default_workflows_are_created_with_one_initial_state_each():
    workflows = ensure_default_workflows()
    assert {w.code for w in workflows} == {"simple", "technical_review", "recommendation"}
    for workflow in workflows:
        assert workflow.states.filter(is_initial=True).count() == 1
        assert workflow.states.filter(kind=StateKind.FINAL).count() == 2
        assert workflow.states.filter(kind=StateKind.WAITING).exists()
        assert workflow.transitions.exists()


def test_simple_workflow_has_corrections_loop_and_decision():
    ensure_default_workflows()
    simple = Workflow.objects.get(code="simple")
    codes = {t.code: (t.from_state.code, t.to_state.code) for t in simple.transitions.all()}
    assert codes["return_for_corrections"] == ("verification", "corrections")
    assert codes["resubmit"] == ("corrections", "verification")
    assert codes["approve"] == ("approval", "completed")
    assert codes["reject"] == ("approval", "rejected")
    assert simple.transitions.get(code="resubmit").allowed_roles == ["applicant"]
    assert simple.transitions.get(code="return_for_corrections").requires_comment


def test_technical_review_has_assessment_by_another_agency_fee_and_payment():
    ensure_default_workflows()
    wf = Workflow.objects.get(code="technical_review")
    assert wf.transitions.get(code="request_assessment").requires_assessing_organization
    assert wf.transitions.get(code="complete_assessment").assessing_organization_role == "technical_assessment"
    assert wf.transitions.get(code="assess_fee").requires_fee_amount
    assert wf.states.get(code="awaiting_payment").kind == StateKind.WAITING
    assert wf.transitions.get(code="payment_received").allowed_roles == ["system"]


def test_recommendation_has_recommendation_by_another_agency():
    ensure_default_workflows()
    wf = Workflow.objects.get(code="recommendation")
    give = wf.transitions.get(code="give_recommendation")
    assert give.assessing_organization_role == "recommendation"
    assert (give.from_state.code, give.to_state.code) == ("recommendation", "approval")


def test_ensure_is_idempotent_and_keeps_administrator_edits():
    ensure_default_workflows()
    counts = (Workflow.objects.count(), WorkflowState.objects.count(), WorkflowTransition.objects.count())
    approve = WorkflowTransition.objects.get(workflow__code="simple", code="approve")
    approve.name = "Setujui (diubah admin)"
    approve.requires_comment = True
    approve.save()
    WorkflowTransition.objects.get(workflow__code="simple", code="return_to_verification").delete()
    ensure_default_workflows()
    approve.refresh_from_db()
    assert approve.name == "Setujui (diubah admin)" and approve.requires_comment
    assert not WorkflowTransition.objects.filter(workflow__code="simple", code="return_to_verification").exists()
    assert Workflow.objects.count() == counts[0]
    assert WorkflowState.objects.count() == counts[1]


def test_transition_validation_refuses_unknown_roles_and_foreign_states():
    ensure_default_workflows()
    simple, review = (Workflow.objects.get(code=c) for c in ("simple", "technical_review"))
    bad = WorkflowTransition(
        workflow=simple,
        code="x",
        name="x",
        from_state=review.states.get(code="verification"),
        to_state=simple.states.get(code="completed"),
        allowed_roles=["mayor"],
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "allowed_roles" in exc.value.error_dict and "from_state" in exc.value.error_dict
    out_of_final = WorkflowTransition(
        workflow=simple,
        code="y",
        name="y",
        from_state=simple.states.get(code="completed"),
        to_state=simple.states.get(code="verification"),
        allowed_roles=["verifier"],
    )
    with pytest.raises(ValidationError):
        out_of_final.full_clean()
