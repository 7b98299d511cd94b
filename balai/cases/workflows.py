"""The workflows Balai ships, as data. ``ensure_default_workflows()`` creates each one that does not exist
yet; a workflow that exists (perhaps edited by an administrator) is never touched, so re-running it after
an upgrade or from the demo loader is always safe."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from balai.cases.models import APPLICANT, SYSTEM, StateKind, Workflow, WorkflowState, WorkflowTransition
from balai.organizations.models import Role

STAFF_INTAKE = [Role.FRONT_OFFICE, Role.VERIFIER]
VERIFIERS = [Role.VERIFIER]
DECIDERS = [Role.APPROVER, Role.HEAD]
ASSESSORS = [Role.VERIFIER, Role.APPROVER, Role.HEAD, Role.RESPONDER]

_STATES: dict[str, dict[str, Any]] = {
    "submitted": {
        "name": "Diterima",
        "name_en": "Submitted",
        "public_name": "Permohonan diterima",
        "public_name_en": "Application received",
        "kind": StateKind.OPEN,
        "is_initial": True,
    },
    "verification": {
        "name": "Verifikasi berkas",
        "name_en": "Verification",
        "public_name": "Sedang diverifikasi",
        "public_name_en": "Being verified",
        "kind": StateKind.OPEN,
    },
    "corrections": {
        "name": "Perbaikan oleh pemohon",
        "name_en": "Corrections by the applicant",
        "public_name": "Menunggu perbaikan dari Anda",
        "public_name_en": "Waiting for your corrections",
        "kind": StateKind.WAITING,
    },
    "technical_assessment": {
        "name": "Kajian teknis",
        "name_en": "Technical assessment",
        "public_name": "Sedang dikaji oleh instansi teknis",
        "public_name_en": "Being assessed by the technical agency",
        "kind": StateKind.OPEN,
    },
    "fee_assessment": {
        "name": "Penetapan retribusi",
        "name_en": "Fee assessment",
        "public_name": "Penghitungan biaya",
        "public_name_en": "Fee being calculated",
        "kind": StateKind.OPEN,
    },
    "awaiting_payment": {
        "name": "Menunggu pembayaran",
        "name_en": "Waiting for payment",
        "public_name": "Menunggu pembayaran dari Anda",
        "public_name_en": "Waiting for your payment",
        "kind": StateKind.WAITING,
    },
    "recommendation": {
        "name": "Rekomendasi instansi terkait",
        "name_en": "Recommendation by another agency",
        "public_name": "Menunggu rekomendasi instansi terkait",
        "public_name_en": "Waiting for another agency's recommendation",
        "kind": StateKind.OPEN,
    },
    "approval": {
        "name": "Persetujuan",
        "name_en": "Approval",
        "public_name": "Menunggu persetujuan",
        "public_name_en": "Waiting for approval",
        "kind": StateKind.OPEN,
    },
    "completed": {
        "name": "Selesai",
        "name_en": "Completed",
        "public_name": "Selesai (disetujui)",
        "public_name_en": "Completed (approved)",
        "kind": StateKind.FINAL,
    },
    "rejected": {
        "name": "Ditolak",
        "name_en": "Rejected",
        "public_name": "Ditolak",
        "public_name_en": "Rejected",
        "kind": StateKind.FINAL,
    },
}


def _t(code, name, name_en, from_state, to_state, roles, **flags) -> dict[str, Any]:  # noqa: ANN001
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "from": from_state,
        "to": to_state,
        "allowed_roles": [str(r) for r in roles],
        **flags,
    }


_INTAKE = [
    _t("start_verification", "Mulai verifikasi", "Start verification", "submitted", "verification", STAFF_INTAKE),
    _t(
        "return_for_corrections",
        "Kembalikan untuk perbaikan",
        "Return to the applicant for corrections",
        "verification",
        "corrections",
        STAFF_INTAKE,
        requires_comment=True,
    ),
    _t("resubmit", "Kirim perbaikan", "Send corrections", "corrections", "verification", [APPLICANT]),
    _t(
        "reject_at_verification",
        "Tolak (berkas tidak memenuhi syarat)",
        "Reject (requirements not met)",
        "verification",
        "rejected",
        VERIFIERS,
        requires_comment=True,
    ),
]
_DECISION = [
    _t("approve", "Setujui", "Approve", "approval", "completed", DECIDERS),
    _t("reject", "Tolak", "Reject", "approval", "rejected", DECIDERS, requires_comment=True),
    _t(
        "return_to_verification",
        "Kembalikan ke verifikator",
        "Return to verification",
        "approval",
        "verification",
        DECIDERS,
        requires_comment=True,
        is_public=False,
    ),
]

DEFAULT_WORKFLOWS: list[dict[str, Any]] = [
    {
        "code": "simple",
        "name": "Sederhana",
        "name_en": "Simple",
        "description": "Diterima → verifikasi → persetujuan → selesai atau ditolak; berkas dapat dikembalikan "
        "kepada pemohon untuk diperbaiki.",
        "states": ["submitted", "verification", "corrections", "approval", "completed", "rejected"],
        "transitions": [
            *_INTAKE,
            _t(
                "forward_for_approval",
                "Teruskan untuk persetujuan",
                "Forward for approval",
                "verification",
                "approval",
                VERIFIERS,
            ),
            *_DECISION,
        ],
    },
    {
        "code": "technical_review",
        "name": "Kajian teknis dan retribusi",
        "name_en": "Technical review and fee",
        "description": "Seperti alur sederhana, ditambah kajian teknis oleh instansi lain (mis. DPUPR untuk PBG), "
        "penetapan retribusi, dan pembayaran sebelum persetujuan.",
        "states": [
            "submitted",
            "verification",
            "corrections",
            "technical_assessment",
            "fee_assessment",
            "awaiting_payment",
            "approval",
            "completed",
            "rejected",
        ],
        "transitions": [
            *_INTAKE,
            _t(
                "request_assessment",
                "Minta kajian teknis",
                "Request a technical assessment",
                "verification",
                "technical_assessment",
                VERIFIERS,
                requires_assessing_organization=True,
            ),
            _t(
                "complete_assessment",
                "Selesaikan kajian teknis",
                "Complete the technical assessment",
                "technical_assessment",
                "fee_assessment",
                ASSESSORS,
                requires_comment=True,
                assessing_organization_role="technical_assessment",
                is_public=False,
            ),
            _t(
                "return_assessment_for_corrections",
                "Kembalikan untuk perbaikan (kajian teknis)",
                "Return for corrections (technical assessment)",
                "technical_assessment",
                "corrections",
                ASSESSORS,
                requires_comment=True,
                assessing_organization_role="technical_assessment",
            ),
            _t(
                "assess_fee",
                "Tetapkan retribusi",
                "Set the fee",
                "fee_assessment",
                "awaiting_payment",
                [Role.VERIFIER, Role.APPROVER],
                requires_fee_amount=True,
            ),
            _t("payment_received", "Pembayaran diterima", "Payment received", "awaiting_payment", "approval", [SYSTEM]),
            *_DECISION,
        ],
    },
    {
        "code": "recommendation",
        "name": "Dengan rekomendasi",
        "name_en": "With a recommendation",
        "description": "Seperti alur sederhana, ditambah rekomendasi dari instansi lain (mis. Dinas Kesehatan untuk "
        "izin praktik) sebelum persetujuan.",
        "states": ["submitted", "verification", "corrections", "recommendation", "approval", "completed", "rejected"],
        "transitions": [
            *_INTAKE,
            _t(
                "request_recommendation",
                "Minta rekomendasi",
                "Request a recommendation",
                "verification",
                "recommendation",
                VERIFIERS,
                requires_assessing_organization=True,
            ),
            _t(
                "give_recommendation",
                "Berikan rekomendasi",
                "Give the recommendation",
                "recommendation",
                "approval",
                ASSESSORS,
                requires_comment=True,
                assessing_organization_role="recommendation",
                is_public=False,
            ),
            _t(
                "decline_recommendation",
                "Tidak merekomendasikan",
                "Do not recommend",
                "recommendation",
                "approval",
                ASSESSORS,
                requires_comment=True,
                assessing_organization_role="recommendation",
                is_public=False,
            ),
            *_DECISION,
        ],
    },
]

_FLAGS = (
    "requires_comment",
    "requires_document",
    "requires_fee_amount",
    "requires_assessing_organization",
    "assessing_organization_role",
    "is_public",
)


@transaction.atomic
def ensure_default_workflows() -> list[Workflow]:
    """Create the shipped workflows that do not exist yet and return every shipped workflow."""
    result = []
    for spec in DEFAULT_WORKFLOWS:
        workflow = Workflow.objects.filter(code=spec["code"]).first()
        if workflow is None:
            workflow = _create(spec)
        result.append(workflow)
    return result


def _create(spec: dict[str, Any]) -> Workflow:
    workflow = Workflow(code=spec["code"], name=spec["name"], name_en=spec["name_en"], description=spec["description"])
    workflow.full_clean()
    workflow.save()
    states: dict[str, WorkflowState] = {}
    for position, code in enumerate(spec["states"], start=1):
        data = _STATES[code]
        state = WorkflowState(workflow=workflow, code=code, position=position * 10, **data)
        state.full_clean()
        state.save()
        states[code] = state
    for position, item in enumerate(spec["transitions"], start=1):
        transition = WorkflowTransition(
            workflow=workflow,
            code=item["code"],
            name=item["name"],
            name_en=item["name_en"],
            from_state=states[item["from"]],
            to_state=states[item["to"]],
            allowed_roles=item["allowed_roles"],
            position=position * 10,
            **{flag: item[flag] for flag in _FLAGS if flag in item},
        )
        transition.full_clean()
        transition.save()
    return workflow
