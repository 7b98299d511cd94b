"""The case engine's writes: submission, numbering, routing, the one transition function (roles, agency,
state, inputs, SLA clock, timeline, audit, events), assignment, notes and replies."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.audit.models import AuditEvent
from balai.cases.models import Attachment, Case, CaseSequence, Channel, TimelineEntry, TimelineKind
from balai.cases.services import (
    VERIFICATION_ALPHABET,
    case_add_note,
    case_assign,
    case_create,
    case_reply,
    case_transition,
)
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.core.calendar import CALENDAR_TZ
from balai.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from balai.core.models import Holiday, HolidayKind
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory, VillageFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@contextmanager
def frozen(day: str, hour: int = 10):
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=CALENDAR_TZ)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(23, 59, 59), tzinfo=CALENDAR_TZ)


@pytest.fixture
def service():
    return published_service(code="SKTM", sla_days=5)


@pytest.fixture
def verifier(service):
    return staff_with_role(service.owner, Role.VERIFIER)


@pytest.fixture
def approver(service):
    return staff_with_role(service.owner, Role.APPROVER)


# --- submission -----------------------------------------------------------------------------------------


def test_submission_gets_number_code_initial_state_due_date_timeline_audit():
    service = published_service(code="AKTA-LAHIR", sla_days=5)
    citizen = UserFactory(citizen=True)
    with frozen("2026-08-12"):  # Wednesday; Mon 17 Aug is Independence Day
        case = case_create(
            actor=citizen, service_version=service.current_version, answers={"purpose": "x"}, channel=Channel.WEB
        )
    assert case.number == "AKTA-LAHIR-2026-000001"
    assert (case.year, case.sequence) == (2026, 1)
    assert len(case.verification_code) == 10 and set(case.verification_code) <= set(VERIFICATION_ALPHABET)
    assert case.state.code == "submitted" and case.applicant == citizen and case.organization == service.owner
    assert case.due_at == end_of("2026-08-20")  # Thu 13, Fri 14, (Mon 17 off), Tue 18, Wed 19, Thu 20
    entry = case.timeline.get()
    assert entry.kind == TimelineKind.SUBMISSION and entry.is_public
    event = AuditEvent.objects.get(action="case.submitted")
    assert event.object_id == str(case.pk) and event.summary["number"] == case.number


def test_due_date_counts_five_working_days_around_the_holiday():
    service = published_service(sla_days=5)
    with frozen("2026-08-12"):
        case = submitted_case(service=service)
    # Working days after Wed 12 Aug: Thu 13, Fri 14, (Mon 17 off), Tue 18, Wed 19, Thu 20.
    assert case.due_at == end_of("2026-08-20")


def test_numbers_run_per_service_and_year_without_gaps():
    a, b = published_service(code="A-SVC"), published_service(code="B-SVC")
    with frozen("2026-12-31"):
        numbers = [submitted_case(service=a).number for _ in range(3)] + [submitted_case(service=b).number]
    with frozen("2027-01-04"):
        numbers.append(submitted_case(service=a).number)
    assert numbers == [
        "A-SVC-2026-000001",
        "A-SVC-2026-000002",
        "A-SVC-2026-000003",
        "B-SVC-2026-000001",
        "A-SVC-2027-000001",
    ]


def test_failed_submission_gives_its_number_back():
    service = published_service(code="GAP")
    submitted_case(service=service)
    with pytest.raises(ValidationFailed):
        case_create(
            actor=UserFactory(staff=True),
            service_version=service.current_version,
            answers={},
            channel=Channel.COUNTER,
            walk_in={"name": ""},
        )
    assert submitted_case(service=service).number.endswith("-000002")
    assert CaseSequence.objects.get(prefix="GAP").last == 2


def test_unpublished_service_refuses_applications():
    service = published_service(is_published=False)
    with pytest.raises(ValidationFailed):
        submitted_case(service=service)
    assert not Case.objects.exists()


def test_anonymous_cannot_submit(service):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        case_create(actor=AnonymousUser(), service_version=service.current_version, answers={}, channel="web")


@pytest.mark.parametrize("kwargs", [{"channel": "fax"}, {"answers": ["not", "a", "dict"]}, {"priority": "max"}])
def test_bad_submission_input_is_refused_and_stores_nothing(service, kwargs):
    params = {"answers": {}, "channel": "web", **kwargs}
    with pytest.raises(ValidationFailed):
        case_create(actor=UserFactory(), service_version=service.current_version, **params)
    assert not Case.objects.exists()


def test_citizen_cannot_file_for_someone_else_or_choose_the_agency(service):
    citizen, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        case_create(
            actor=citizen, service_version=service.current_version, answers={}, channel="counter", applicant=other
        )
    with pytest.raises(PermissionDenied):
        case_create(
            actor=citizen,
            service_version=service.current_version,
            answers={},
            channel="web",
            organization=OrganizationFactory(),
        )
    assert not Case.objects.exists()


def test_front_office_files_a_walk_in_at_the_counter_with_encrypted_nik(service):
    clerk = staff_with_role(service.owner, Role.FRONT_OFFICE)
    nik = ProfileFactory.build().nik
    case = case_create(
        actor=clerk,
        service_version=service.current_version,
        answers={"purpose": "x"},
        channel=Channel.COUNTER,
        walk_in={"name": "Ibu Sumiati", "nik": nik, "phone": "0812 3456 7890"},
    )
    case.refresh_from_db()
    assert case.applicant is None and case.walk_in_name == "Ibu Sumiati" and case.channel == "counter"
    assert case.walk_in_nik == nik and case.walk_in_phone == "+6281234567890"
    assert len(case.walk_in_nik_index) == 64
    raw = Case.objects.filter(pk=case.pk).values_list("walk_in_nik", flat=True).query
    assert nik not in str(raw)
    assert nik not in str(AuditEvent.objects.get(action="case.submitted").summary)


def test_counter_filing_needs_front_office_role_of_the_agency(service):
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    other_clerk = staff_with_role(OrganizationFactory(), Role.FRONT_OFFICE)
    for actor in (verifier, other_clerk):
        with pytest.raises(PermissionDenied):
            case_create(
                actor=actor,
                service_version=service.current_version,
                answers={},
                channel="counter",
                walk_in={"name": "Pak Darto"},
            )
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("walk_in", "field"),
    [
        ({"name": ""}, "walk_in_name"),
        ({"name": "x" * 201}, "walk_in_name"),
        ({"name": "Pak Darto", "nik": "12345"}, "walk_in_nik"),
        ({"name": "Pak Darto", "phone": "not a phone"}, "walk_in_phone"),
    ],
)
def test_walk_in_bad_input_gets_a_field_message(service, walk_in, field):
    clerk = staff_with_role(service.owner, Role.FRONT_OFFICE)
    with pytest.raises(ValidationFailed) as exc:
        case_create(
            actor=clerk, service_version=service.current_version, answers={}, channel="counter", walk_in=walk_in
        )
    assert field in exc.value.fields and exc.value.fields[field][0]
    assert not Case.objects.exists()


def test_routing_by_applicant_village_goes_to_the_village_office():
    village = VillageFactory(code="32.01.01.1003", name="Kelurahan Sukamaju")
    office = OrganizationFactory(code="32-01-01-1003", kind="kelurahan", name="Kantor Kelurahan Sukamaju")
    service = published_service(routing="by_applicant_village")
    resident = ProfileFactory(village=village, district=village.district).user
    assert submitted_case(service=service, applicant=resident).organization == office
    # No profile village (or no office for it): the owning agency.
    assert submitted_case(service=service).organization == service.owner


def test_submission_attachments_are_stored_visible_to_the_applicant(service):
    stored = {
        "requirement_code": "ktp",
        "storage_name": "uploads/abc.pdf",
        "original_name": "ktp.pdf",
        "content_type": "application/pdf",
        "size": 100,
        "sha256": "0" * 64,
    }
    case = submitted_case(service=service, attachments=[stored])
    attachment = case.attachments.get()
    assert attachment.requirement_code == "ktp" and attachment.is_public
    assert case.timeline.filter(kind=TimelineKind.DOCUMENT, attachment=attachment).exists()


# --- transitions ----------------------------------------------------------------------------------------


def test_simple_workflow_end_to_end_closes_the_case(service, verifier, approver):
    case = submitted_case(service=service)
    case = case_transition(actor=verifier, case=case, transition="start_verification")
    case = case_transition(actor=verifier, case=case, transition="forward_for_approval")
    case = case_transition(actor=approver, case=case, transition="approve", expected_version=case.version)
    assert case.state.code == "completed" and case.closed_at is not None and case.version == 4
    entries = list(case.timeline.filter(kind=TimelineKind.TRANSITION).values_list("transition_code", flat=True))
    assert entries == ["start_verification", "forward_for_approval", "approve"]
    audit = AuditEvent.objects.filter(action="case.transitioned").order_by("id").last()
    assert audit.summary == {"number": case.number, "transition": "approve", "from": "approval", "to": "completed"}


def test_transition_publishes_events_and_closed_on_final_state(service, verifier):
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    with mock.patch("balai.cases.services.transition.publish") as publish:
        case_transition(actor=verifier, case=case, transition="reject_at_verification", comment="Berkas palsu")
    names = [c.args[0] for c in publish.call_args_list]
    assert names == ["case.transitioned", "case.closed"]
    assert publish.call_args_list[1].args[1]["outcome"] == "rejected"


def test_final_state_allows_no_further_transition(service, verifier, approver):
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    case_transition(actor=verifier, case=case, transition="reject_at_verification", comment="Tidak lengkap")
    with pytest.raises(Conflict):
        case_transition(actor=verifier, case=case, transition="forward_for_approval")


def test_wrong_role_is_refused_and_nothing_changes(service, verifier):
    clerk = staff_with_role(service.owner, Role.FRONT_OFFICE)
    case = submitted_case(service=service)
    case_transition(actor=clerk, case=case, transition="start_verification")
    with pytest.raises(PermissionDenied):
        case_transition(actor=clerk, case=case, transition="forward_for_approval")  # verifiers only
    with pytest.raises(PermissionDenied):
        case_transition(actor=verifier, case=case, transition="resubmit")  # applicant only
    case.refresh_from_db()
    assert case.state.code == "verification" and case.version == 2


def test_staff_of_another_agency_and_other_citizens_do_not_find_the_case(service):
    case = submitted_case(service=service)
    outsider = staff_with_role(OrganizationFactory(), Role.VERIFIER)
    with pytest.raises(NotFound):
        case_transition(actor=outsider, case=case, transition="start_verification")
    with pytest.raises(NotFound):
        case_transition(actor=UserFactory(), case=case, transition="resubmit")
    case.refresh_from_db()
    assert case.state.code == "submitted"


def test_transition_not_from_the_current_state_is_a_conflict(service, approver):
    case = submitted_case(service=service)
    with pytest.raises(Conflict) as exc:
        case_transition(actor=approver, case=case, transition="approve")
    assert exc.value.code == "invalid_state" and "Diterima" in str(exc.value.message)


def test_unknown_transition_code_is_refused(service, verifier):
    case = submitted_case(service=service)
    with pytest.raises(ValidationFailed):
        case_transition(actor=verifier, case=case, transition="<script>alert(1)</script>")


def test_stale_expected_version_is_a_conflict_with_a_clear_message(service, verifier):
    case = submitted_case(service=service)
    seen = case.version
    case_transition(actor=verifier, case=case, transition="start_verification", expected_version=seen)
    with pytest.raises(Conflict) as exc:
        case_transition(actor=verifier, case=case, transition="forward_for_approval", expected_version=seen)
    assert exc.value.code == "stale_version" and "Muat ulang" in str(exc.value.message)
    case.refresh_from_db()
    assert case.state.code == "verification"


def test_missing_or_too_long_comment_is_refused(service, verifier):
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    for comment in ("", "   ", "x" * 5001):
        with pytest.raises(ValidationFailed) as exc:
            case_transition(actor=verifier, case=case, transition="return_for_corrections", comment=comment)
        assert "comment" in exc.value.fields
    case.refresh_from_db()
    assert case.state.code == "verification"


def test_hostile_comment_is_stored_as_plain_text(service, verifier):
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    text = "<script>alert('x')</script>'; DROP TABLE cases_case; --"
    case_transition(actor=verifier, case=case, transition="return_for_corrections", comment=text)
    assert case.timeline.get(transition_code="return_for_corrections").body == text
    assert "DROP" not in str(AuditEvent.objects.filter(action="case.transitioned").last().summary)


def test_applicant_resubmits_their_own_case_only(service, verifier):
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    case_transition(actor=verifier, case=case, transition="return_for_corrections", comment="Foto KTP buram")
    with pytest.raises(NotFound):
        case_transition(actor=UserFactory(), case=case, transition="resubmit")
    case = case_transition(actor=case.applicant, case=case, transition="resubmit")
    assert case.state.code == "verification"


def test_platform_admin_may_take_staff_steps_but_not_the_applicants(service):
    admin = UserFactory(superuser=True)
    case = submitted_case(service=service)
    case_transition(actor=admin, case=case, transition="start_verification")
    case_transition(actor=admin, case=case, transition="return_for_corrections", comment="Lengkapi")
    with pytest.raises(PermissionDenied):
        case_transition(actor=admin, case=case, transition="resubmit")


def test_required_document_is_stored_checked_by_content(service, verifier):
    from balai.cases.models import WorkflowTransition

    WorkflowTransition.objects.filter(workflow__code="simple", code="forward_for_approval").update(
        requires_document=True
    )
    case = submitted_case(service=service)
    case_transition(actor=verifier, case=case, transition="start_verification")
    with pytest.raises(ValidationFailed) as exc:
        case_transition(actor=verifier, case=case, transition="forward_for_approval")
    assert "document" in exc.value.fields
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        case_transition(actor=verifier, case=case, transition="forward_for_approval", document=fake)
    case.refresh_from_db()
    assert case.state.code == "verification" and not Attachment.objects.exists()
    real = SimpleUploadedFile("../../laporan.pdf", PDF, content_type="text/plain")
    case = case_transition(actor=verifier, case=case, transition="forward_for_approval", document=real)
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "laporan.pdf"
    assert "laporan" not in attachment.storage_name and attachment.size == len(PDF)
    assert case.timeline.get(transition_code="forward_for_approval").attachment == attachment


# --- another agency, fee and payment ---------------------------------------------------------------------


@pytest.fixture
def pbg():
    return published_service(code="PBG", workflow="technical_review", sla_days=28)


def _to_verification(case, actor):
    return case_transition(actor=actor, case=case, transition="start_verification")


def test_technical_review_assessment_by_another_agency_then_fee_and_payment(pbg):
    dpupr = OrganizationFactory(code="DPUPR")
    verifier = staff_with_role(pbg.owner, Role.VERIFIER)
    assessor = staff_with_role(dpupr, Role.VERIFIER)
    case = _to_verification(submitted_case(service=pbg), verifier)
    with pytest.raises(ValidationFailed) as exc:
        case_transition(actor=verifier, case=case, transition="request_assessment")
    assert "assessing_organization" in exc.value.fields
    case = case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=dpupr)
    assert case.assessing_organization == dpupr
    # The responsible agency's verifier may not do the other agency's assessment.
    with pytest.raises(PermissionDenied):
        case_transition(actor=verifier, case=case, transition="complete_assessment", comment="ok")
    case = case_transition(actor=assessor, case=case, transition="complete_assessment", comment="Memenuhi syarat")
    assert case.state.code == "fee_assessment"
    # The assessor cannot set the responsible agency's fee.
    with pytest.raises(PermissionDenied):
        case_transition(actor=assessor, case=case, transition="assess_fee", fee_amount=1000)
    for bad in (None, 0, -5, 12.5, "1.000", True, "abc", 10**13):
        with pytest.raises(ValidationFailed) as exc:
            case_transition(actor=verifier, case=case, transition="assess_fee", fee_amount=bad)
        assert "fee_amount" in exc.value.fields
    case = case_transition(actor=verifier, case=case, transition="assess_fee", fee_amount=2_500_000)
    assert case.fee_amount == 2_500_000 and case.state.code == "awaiting_payment"
    # Only the system (the payments module) records the payment.
    with pytest.raises(PermissionDenied):
        case_transition(actor=verifier, case=case, transition="payment_received")
    with pytest.raises(PermissionDenied):
        case_transition(actor=case.applicant, case=case, transition="payment_received")
    case = case_transition(actor=None, case=case, transition="payment_received")
    assert case.state.code == "approval"


def test_assessing_agency_is_another_active_agency(pbg):
    verifier = staff_with_role(pbg.owner, Role.VERIFIER)
    case = _to_verification(submitted_case(service=pbg), verifier)
    for org in (pbg.owner, OrganizationFactory(inactive=True), "DPUPR"):
        with pytest.raises(ValidationFailed):
            case_transition(actor=verifier, case=case, transition="request_assessment", assessing_organization=org)


def test_system_cannot_take_staff_steps(service):
    case = submitted_case(service=service)
    with pytest.raises(PermissionDenied):
        case_transition(actor=None, case=case, transition="start_verification")


def test_recommendation_by_another_agency():
    service = published_service(workflow="recommendation")
    dinkes = OrganizationFactory(code="DINKES")
    verifier = staff_with_role(service.owner, Role.VERIFIER)
    head = staff_with_role(dinkes, Role.HEAD)
    approver = staff_with_role(service.owner, Role.APPROVER)
    case = _to_verification(submitted_case(service=service), verifier)
    case = case_transition(
        actor=verifier, case=case, transition="request_recommendation", assessing_organization=dinkes
    )
    with pytest.raises(PermissionDenied):
        case_transition(actor=approver, case=case, transition="give_recommendation", comment="x")
    case = case_transition(actor=head, case=case, transition="give_recommendation", comment="Direkomendasikan")
    entry = case.timeline.get(transition_code="give_recommendation")
    assert not entry.is_public
    case = case_transition(actor=approver, case=case, transition="approve")
    assert case.state.code == "completed"


# --- the SLA clock ---------------------------------------------------------------------------------------


def test_clock_pauses_while_waiting_for_the_applicant_and_skips_holidays(service, verifier):
    Holiday.objects.create(date=dt.date(2026, 8, 21), name="Cuti bersama", kind=HolidayKind.COLLECTIVE_LEAVE)
    with frozen("2026-08-10"):  # Monday
        case = submitted_case(service=service)
        case = case_transition(actor=verifier, case=case, transition="start_verification")
    # Tue 11, Wed 12, Thu 13, Fri 14, (Mon 17 holiday) Tue 18.
    assert case.due_at == end_of("2026-08-18")
    with frozen("2026-08-12"):  # Wednesday: returned to the applicant
        case = case_transition(actor=verifier, case=case, transition="return_for_corrections", comment="KK buram")
    assert case.sla_paused_at is not None and case.state.kind == "waiting"
    assert not case.is_overdue
    with frozen("2026-08-19"):  # Wednesday a week later: the applicant resubmits
        case = case_transition(actor=case.applicant, case=case, transition="resubmit")
    # Paused working days: Thu 13, Fri 14, Tue 18, Wed 19 = 4 (Mon 17 is a holiday).
    assert case.sla_paused_at is None and case.sla_paused_days == 4
    # 5 + 4 = 9 working days after Mon 10 Aug: 11, 12, 13, 14, 18, 19, 20, (Fri 21 collective leave),
    # 24, (Tue 25 the Prophet's Birthday), 26 -> Wed 26 Aug.
    assert case.due_at == end_of("2026-08-26")


def test_state_with_its_own_limit_gets_a_state_deadline(service, verifier):
    from balai.cases.models import WorkflowState

    WorkflowState.objects.filter(workflow__code="simple", code="verification").update(sla_days=2)
    with frozen("2026-08-14"):
        case = submitted_case(service=service)
        assert case.state_due_at is None
        case = case_transition(actor=verifier, case=case, transition="start_verification")
    assert case.state_due_at == end_of("2026-08-19")


def test_overdue_when_the_deadline_has_passed(service):
    with frozen("2026-08-03"):
        case = submitted_case(service=service)
    with frozen("2026-09-01"):
        assert case.is_overdue


# --- assignment, notes, replies --------------------------------------------------------------------------


def test_staff_claim_and_supervisor_assigns(service, verifier):
    head = staff_with_role(service.owner, Role.HEAD)
    colleague = staff_with_role(service.owner, Role.VERIFIER)
    case = submitted_case(service=service)
    case = case_assign(actor=verifier, case=case, assignee=verifier)
    assert case.assigned_to == verifier
    with pytest.raises(PermissionDenied):
        case_assign(actor=verifier, case=case, assignee=colleague)
    case = case_assign(actor=head, case=case, assignee=colleague)
    assert case.assigned_to == colleague
    assert AuditEvent.objects.filter(action="case.assigned").count() == 2
    assert case.timeline.filter(kind=TimelineKind.ASSIGNMENT, is_public=False).count() == 2


def test_cannot_assign_to_someone_outside_the_agency_or_from_outside(service):
    head = staff_with_role(service.owner, Role.HEAD)
    outsider = staff_with_role(OrganizationFactory(), Role.HEAD)
    case = submitted_case(service=service)
    with pytest.raises(ValidationFailed):
        case_assign(actor=head, case=case, assignee=outsider)
    with pytest.raises(NotFound):
        case_assign(actor=outsider, case=case, assignee=outsider)
    with pytest.raises(NotFound):
        case_assign(actor=case.applicant, case=case, assignee=case.applicant)


def test_internal_note_and_public_message(service, verifier):
    case = submitted_case(service=service)
    note = case_add_note(actor=verifier, case=case, body="Cek ke Dukcapil", is_public=False)
    message = case_add_note(actor=verifier, case=case, body="Mohon tunggu", is_public=True)
    assert note.kind == TimelineKind.NOTE and not note.is_public
    assert message.kind == TimelineKind.PUBLIC_REPLY and message.is_public
    with pytest.raises(ValidationFailed):
        case_add_note(actor=verifier, case=case, body="  ", is_public=False)
    with pytest.raises(NotFound):
        case_add_note(actor=case.applicant, case=case, body="x", is_public=False)
    with pytest.raises(NotFound):
        case_add_note(actor=staff_with_role(OrganizationFactory(), Role.VERIFIER), case=case, body="x", is_public=True)


def test_applicant_replies_with_a_file(service):
    case = submitted_case(service=service)
    upload = SimpleUploadedFile("kk.pdf", PDF)
    entry = case_reply(actor=case.applicant, case=case, body="Berikut KK terbaru", attachments=[upload])
    assert entry.is_public and entry.kind == TimelineKind.PUBLIC_REPLY
    attachment = case.attachments.get()
    assert attachment.is_public and attachment.uploaded_by == case.applicant
    assert AuditEvent.objects.filter(action="case.replied").exists()


def test_reply_refusals(service, verifier):
    case = submitted_case(service=service)
    with pytest.raises(NotFound):
        case_reply(actor=UserFactory(), case=case, body="halo")
    with pytest.raises(NotFound):
        case_reply(actor=verifier, case=case, body="halo")
    with pytest.raises(ValidationFailed):
        case_reply(actor=case.applicant, case=case, body="")
    with pytest.raises(ValidationFailed):
        case_reply(actor=case.applicant, case=case, body="x" * 5001)
    with pytest.raises(ValidationFailed):
        case_reply(actor=case.applicant, case=case, body="x", attachments=[SimpleUploadedFile("a.exe", b"MZ\x00")])
    with pytest.raises(ValidationFailed):
        case_reply(actor=case.applicant, case=case, body="x", attachments=[SimpleUploadedFile("a.pdf", b"")])
    assert not TimelineEntry.objects.filter(kind=TimelineKind.PUBLIC_REPLY).exists()
    case_transition(actor=verifier, case=case, transition="start_verification")
    case_transition(actor=verifier, case=case, transition="reject_at_verification", comment="x")
    with pytest.raises(Conflict):
        case_reply(actor=case.applicant, case=case, body="Kenapa?")


def test_fee_known_at_submission_is_recorded_on_the_case():
    from balai.services.models import FeeKind

    fixed = submitted_case(service=published_service(fee_kind=FeeKind.FIXED, fee_amount=75_000))
    free = submitted_case(service=published_service(fee_kind=FeeKind.FREE))
    unconfigured_rule = submitted_case(service=published_service(fee_kind=FeeKind.RULE, fee_rule="retribusi_pbg"))
    assert fixed.fee_amount == 75_000
    assert free.fee_amount is None
    assert unconfigured_rule.fee_amount is None  # set by the fee assessment step, never blocks the citizen
