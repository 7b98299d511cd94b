"""The complaint workflow, as data (like the shipped workflows of ``balai.cases.workflows``).

The coordinator (Diskominfo) verifies a counted complaint and dispatches it to the answering agency, asks the
reporter for more information, marks it a duplicate or rejects it; the agency responds, transfers it or hands
it back; the reporter accepts the response or reopens it; without a reaction the system closes it.
``ensure_complaint_workflow()`` creates the workflow when it does not exist yet and never touches one that
exists (perhaps edited by an administrator); the data migration and the demo loader call it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from balai.cases.models import APPLICANT, SYSTEM, StateKind, Workflow, WorkflowState, WorkflowTransition
from balai.organizations.models import Role

WORKFLOW_CODE = "complaint"

# Who verifies and dispatches at the coordinating agency, and who answers at the agency.
COORDINATOR_ROLES = [Role.COMPLAINT_ADMIN, Role.HEAD, Role.ADMINISTRATOR]
AGENCY_ROLES = [Role.RESPONDER, Role.COMPLAINT_ADMIN, Role.VERIFIER, Role.APPROVER, Role.HEAD, Role.ADMINISTRATOR]
# The reporter: with an account the case's applicant; without one, proven by the tracking code (the engine's
# "system" actor, the complaints services check the code first).
REPORTER = [APPLICANT, SYSTEM]

# State codes the complaints services rely on.
CONTACT_CHECK = "contact_check"
VERIFICATION = "verification"
MORE_INFO = "more_info"
IN_PROGRESS = "in_progress"
RESPONDED = "responded"
CLOSED = "closed"
DUPLICATE = "duplicate"
REJECTED = "rejected"
UNCONFIRMED = "unconfirmed"
FINAL_STATES = (CLOSED, DUPLICATE, REJECTED, UNCONFIRMED)

STATES: list[dict[str, Any]] = [
    {
        "code": CONTACT_CHECK,
        "name": "Menunggu konfirmasi kontak pelapor",
        "name_en": "Waiting for the reporter to confirm their contact",
        "public_name": "Menunggu konfirmasi kontak Anda",
        "public_name_en": "Waiting for you to confirm your contact",
        "kind": StateKind.WAITING,
    },
    {
        "code": VERIFICATION,
        "name": "Verifikasi",
        "name_en": "Verification",
        "public_name": "Sedang diverifikasi",
        "public_name_en": "Being verified",
        "kind": StateKind.OPEN,
        "is_initial": True,
    },
    {
        "code": MORE_INFO,
        "name": "Menunggu informasi tambahan dari pelapor",
        "name_en": "Waiting for more information from the reporter",
        "public_name": "Menunggu informasi tambahan dari pelapor",
        "public_name_en": "Waiting for more information from the reporter",
        "kind": StateKind.WAITING,
    },
    {
        "code": IN_PROGRESS,
        "name": "Ditindaklanjuti instansi",
        "name_en": "With the agency",
        "public_name": "Sedang ditindaklanjuti",
        "public_name_en": "Being handled",
        "kind": StateKind.OPEN,
    },
    {
        "code": RESPONDED,
        "name": "Ditanggapi, menunggu pelapor",
        "name_en": "Responded, waiting for the reporter",
        "public_name": "Sudah ditanggapi",
        "public_name_en": "Responded",
        "kind": StateKind.WAITING,
    },
    {
        "code": CLOSED,
        "name": "Selesai",
        "name_en": "Closed",
        "public_name": "Selesai",
        "public_name_en": "Closed",
        "kind": StateKind.FINAL,
    },
    {
        "code": DUPLICATE,
        "name": "Duplikat",
        "name_en": "Duplicate",
        "public_name": "Digabung dengan pengaduan lain",
        "public_name_en": "Merged with another complaint",
        "kind": StateKind.FINAL,
    },
    {
        "code": REJECTED,
        "name": "Ditolak",
        "name_en": "Rejected",
        "public_name": "Tidak dapat diproses",
        "public_name_en": "Cannot be handled",
        "kind": StateKind.FINAL,
    },
    {
        "code": UNCONFIRMED,
        "name": "Kontak tidak dikonfirmasi",
        "name_en": "Contact not confirmed",
        "public_name": "Dibatalkan (kontak tidak dikonfirmasi)",
        "public_name_en": "Cancelled (contact not confirmed)",
        "kind": StateKind.FINAL,
    },
]


def _t(code: str, name: str, name_en: str, from_state: str, to_state: str, roles: list, **flags: Any) -> dict:
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "from": from_state,
        "to": to_state,
        "allowed_roles": [str(r) for r in roles],
        **flags,
    }


TRANSITIONS: list[dict[str, Any]] = [
    _t("confirm_contact", "Kontak dikonfirmasi", "Contact confirmed", CONTACT_CHECK, VERIFICATION, [SYSTEM]),
    _t(
        "expire_unconfirmed",
        "Batal: kontak tidak dikonfirmasi",
        "Cancelled: contact not confirmed",
        CONTACT_CHECK,
        UNCONFIRMED,
        [SYSTEM],
    ),
    _t("dispatch", "Teruskan ke instansi", "Dispatch to the agency", VERIFICATION, IN_PROGRESS, COORDINATOR_ROLES),
    _t(
        "request_info",
        "Minta informasi tambahan",
        "Ask the reporter for more information",
        VERIFICATION,
        MORE_INFO,
        COORDINATOR_ROLES,
        requires_comment=True,
    ),
    _t("provide_info", "Kirim informasi tambahan", "Send more information", MORE_INFO, VERIFICATION, REPORTER),
    _t(
        "close_without_info",
        "Tutup: informasi tidak dilengkapi",
        "Close: the information was not given",
        MORE_INFO,
        CLOSED,
        [SYSTEM, *COORDINATOR_ROLES],
        requires_comment=True,
    ),
    _t(
        "mark_duplicate",
        "Tandai sebagai duplikat",
        "Mark as a duplicate",
        VERIFICATION,
        DUPLICATE,
        COORDINATOR_ROLES,
        requires_comment=True,
    ),
    _t(
        "reject",
        "Tolak (bukan pengaduan atau bukan kewenangan)",
        "Reject (not a complaint or not our authority)",
        VERIFICATION,
        REJECTED,
        COORDINATOR_ROLES,
        requires_comment=True,
    ),
    _t(
        "respond",
        "Kirim tanggapan (tindak lanjut)",
        "Send the response",
        IN_PROGRESS,
        RESPONDED,
        AGENCY_ROLES,
        requires_comment=True,
    ),
    _t(
        "transfer",
        "Alihkan ke instansi lain",
        "Transfer to another agency",
        IN_PROGRESS,
        IN_PROGRESS,
        AGENCY_ROLES,
        requires_comment=True,
    ),
    _t(
        "return_to_coordinator",
        "Kembalikan ke koordinator",
        "Return to the coordinator",
        IN_PROGRESS,
        VERIFICATION,
        AGENCY_ROLES,
        requires_comment=True,
        is_public=False,
    ),
    _t("accept", "Terima tanggapan", "Accept the response", RESPONDED, CLOSED, REPORTER),
    _t(
        "reopen",
        "Buka kembali (belum selesai)",
        "Reopen (not solved)",
        RESPONDED,
        IN_PROGRESS,
        REPORTER,
        requires_comment=True,
    ),
    _t("auto_close", "Ditutup otomatis", "Closed automatically", RESPONDED, CLOSED, [SYSTEM]),
]

_FLAGS = ("requires_comment", "requires_document", "is_public")


def ensure_complaint_workflow(*, models: Any = None) -> Workflow:
    """The complaint workflow, created from ``STATES`` and ``TRANSITIONS`` when missing.

    ``models`` (``(Workflow, WorkflowState, WorkflowTransition)``) lets a data migration pass its historical
    models; by default the current ones are used and each row is validated with ``full_clean``."""
    workflow_model, state_model, transition_model = models or (Workflow, WorkflowState, WorkflowTransition)
    validate = models is None
    existing = workflow_model.objects.filter(code=WORKFLOW_CODE).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _create(workflow_model, state_model, transition_model, validate=validate)
    except IntegrityError:
        # Someone else created it at the same moment.
        return workflow_model.objects.get(code=WORKFLOW_CODE)


def _create(workflow_model: Any, state_model: Any, transition_model: Any, *, validate: bool) -> Any:
    workflow = workflow_model(
        code=WORKFLOW_CODE,
        name="Pengaduan",
        name_en="Complaint",
        description="Verifikasi dan disposisi oleh koordinator, tindak lanjut oleh instansi, konfirmasi oleh pelapor; "
        "ditutup otomatis bila pelapor tidak menanggapi.",
    )
    if validate:
        workflow.full_clean()
    workflow.save()
    states = {}
    for position, data in enumerate(STATES, start=1):
        state = state_model(workflow=workflow, position=position * 10, **data)
        if validate:
            state.full_clean()
        state.save()
        states[data["code"]] = state
    for position, item in enumerate(TRANSITIONS, start=1):
        transition = transition_model(
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
        if validate:
            transition.full_clean()
        transition.save()
    return workflow
