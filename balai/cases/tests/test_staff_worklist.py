"""The staff worklist /kantor/perkara/: scoping, filters, counts, due-date tags, claim, (bulk) assignment and
its query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balai.accounts.tests.factories import UserFactory
from balai.cases.models import Case
from balai.cases.services import case_transition
from balai.cases.tests.factories import published_service, staff_with_role, submitted_case
from balai.organizations.models import Role
from balai.organizations.tests.factories import MembershipFactory, OrganizationFactory
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db
URL = "/kantor/perkara/"


@pytest.fixture
def agency():
    return OrganizationFactory(name="Dinas Kependudukan")


@pytest.fixture
def service(agency):
    return published_service(owner=agency, name="Akta Kelahiran Uji")


@pytest.fixture
def verifier(agency):
    return staff_with_role(agency, Role.VERIFIER)


@pytest.fixture
def head(agency):
    return staff_with_role(agency, Role.HEAD)


def client_for(user) -> Client:
    return sign_in_verified(Client(), user)


def test_reverse_names():
    assert reverse("worklist:list") == URL
    assert reverse("worklist:detail", args=["X-2026-000001"]) == "/kantor/perkara/X-2026-000001/"
    assert reverse("worklist:counter") == "/kantor/perkara/loket/"


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/akun/" in response["Location"] or "login" in response["Location"]


def test_citizen_is_refused():
    citizen = UserFactory(citizen=True, verified=True)
    client = Client()
    client.force_login(citizen)
    assert client.get(URL).status_code == 403


def test_staff_see_only_their_agencys_cases(service, verifier):
    own = submitted_case(service=service)
    other = submitted_case(service=published_service())
    body = client_for(verifier).get(URL).content.decode()
    assert own.number in body
    assert other.number not in body


def test_filters_by_service_and_state_and_counts(service, verifier, agency):
    first = submitted_case(service=service)
    second_service = published_service(owner=agency, name="Layanan Kedua")
    second = submitted_case(service=second_service)
    case_transition(actor=verifier, case=second, transition="start_verification")
    client = client_for(verifier)
    body = client.get(URL, {"service": service.code}).content.decode()
    assert first.number in body and second.number not in body
    body = client.get(URL, {"state": "verification"}).content.decode()
    assert second.number in body and first.number not in body
    # counts per state for the current filter (all states shown even when one is chosen)
    response = client.get(URL)
    assert response.context["state_totals"]
    totals = {code: n for code, _name, n in response.context["state_totals"]}
    assert totals == {"submitted": 1, "verification": 1}


def test_bad_filters_get_messages_not_a_500(service, verifier):
    submitted_case(service=service)
    response = client_for(verifier).get(
        URL,
        {
            "service": "<script>x</script>",
            "date_from": "kemarin",
            "date_to": "2026-13-45",
            "sort": "drop table",
            "page": "abc",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>x</script>" not in body
    assert response.context["form"].errors


def test_date_range_end_before_start(service, verifier):
    response = client_for(verifier).get(URL, {"date_from": "2026-02-10", "date_to": "2026-02-01"})
    assert "date_to" in response.context["form"].errors


def test_date_range_filters_by_submission_day(service, verifier):
    case = submitted_case(service=service)
    today = timezone.localdate()
    client = client_for(verifier)
    assert case.number in client.get(URL, {"date_from": today.isoformat()}).content.decode()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert case.number not in client.get(URL, {"date_from": tomorrow}).content.decode()


def test_overdue_and_due_soon_are_tagged_with_text(service, verifier):
    late = submitted_case(service=service)
    soon = submitted_case(service=service)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    Case.objects.filter(pk=soon.pk).update(due_at=timezone.now() + dt.timedelta(hours=1))
    client = client_for(verifier)
    response = client.get(URL)
    slas = {row["case"].number: row["sla"] for row in response.context["rows"]}
    assert slas[late.number] == "overdue"
    assert slas[soon.number] == "due_soon"
    body = response.content.decode()
    assert "Terlambat" in body  # the text, not only a colour
    body = client.get(URL, {"overdue": "on"}).content.decode()
    assert late.number in body and soon.number not in body


def test_sorted_by_due_date_by_default_and_by_submitted_on_request(service, verifier):
    a = submitted_case(service=service)
    b = submitted_case(service=service)
    Case.objects.filter(pk=a.pk).update(due_at=timezone.now() + dt.timedelta(days=9))
    Case.objects.filter(pk=b.pk).update(due_at=timezone.now() + dt.timedelta(days=3))
    client = client_for(verifier)
    numbers = [row["case"].number for row in client.get(URL).context["rows"]]
    assert numbers == [b.number, a.number]
    numbers = [row["case"].number for row in client.get(URL, {"sort": "submitted_at"}).context["rows"]]
    assert numbers == [a.number, b.number]


def test_assigned_to_me_filter(service, verifier):
    mine = submitted_case(service=service)
    other = submitted_case(service=service)
    client = client_for(verifier)
    client.post(reverse("worklist:bulk_assign"), {"claim": mine.pk})
    body = client.get(URL, {"mine": "on"}).content.decode()
    assert mine.number in body and other.number not in body


def test_claim_from_the_worklist(service, verifier):
    case = submitted_case(service=service)
    response = client_for(verifier).post(reverse("worklist:bulk_assign"), {"claim": case.pk, "query": "sort=due_at"})
    assert response.status_code == 302
    assert response["Location"] == URL + "?sort=due_at"
    case.refresh_from_db()
    assert case.assigned_to == verifier


def test_claiming_another_agencys_case_is_404(verifier):
    other = submitted_case(service=published_service())
    response = client_for(verifier).post(reverse("worklist:bulk_assign"), {"claim": other.pk})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.assigned_to is None


def test_bulk_assign_by_a_supervisor(service, head, verifier):
    cases = [submitted_case(service=service) for _ in range(3)]
    response = client_for(head).post(
        reverse("worklist:bulk_assign"),
        {"cases": [cases[0].pk, cases[1].pk], "assignee": verifier.pk, "bulk": "1"},
    )
    assert response.status_code == 302
    assigned = {c.number: c.assigned_to_id for c in Case.objects.all()}
    assert assigned[cases[0].number] == verifier.pk
    assert assigned[cases[1].number] == verifier.pk
    assert assigned[cases[2].number] is None


def test_bulk_assign_refuses_a_person_of_another_agency(service, head):
    outsider = staff_with_role(OrganizationFactory(), Role.VERIFIER)
    case = submitted_case(service=service)
    client = client_for(head)
    response = client.post(reverse("worklist:bulk_assign"), {"cases": [case.pk], "assignee": outsider.pk}, follow=True)
    case.refresh_from_db()
    assert case.assigned_to is None
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_bulk_assign_cannot_touch_cases_outside_scope(service, head, verifier):
    other = submitted_case(service=published_service())
    client_for(head).post(reverse("worklist:bulk_assign"), {"cases": [other.pk], "assignee": verifier.pk})
    other.refresh_from_db()
    assert other.assigned_to is None


def test_bulk_assign_by_a_verifier_to_a_colleague_is_refused(service, verifier):
    colleague = staff_with_role(service.owner, Role.VERIFIER)
    case = submitted_case(service=service)
    client_for(verifier).post(reverse("worklist:bulk_assign"), {"cases": [case.pk], "assignee": colleague.pk})
    case.refresh_from_db()
    assert case.assigned_to is None


def test_bulk_assign_without_selection_or_assignee_says_so(service, head):
    submitted_case(service=service)
    response = client_for(head).post(reverse("worklist:bulk_assign"), {"assignee": ""}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("Pilih" in t for t in texts)


def test_bulk_assign_with_garbage_ids(service, head, verifier):
    case = submitted_case(service=service)
    response = client_for(head).post(
        reverse("worklist:bulk_assign"), {"cases": ["abc", "-1", "99999999999999999999"], "assignee": verifier.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to is None


def test_get_on_bulk_assign_is_not_allowed(verifier):
    assert client_for(verifier).get(reverse("worklist:bulk_assign")).status_code == 405


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_rows(service, head, rows, django_assert_max_num_queries):
    for _ in range(rows):
        submitted_case(service=service)
    client = client_for(head)
    client.get(URL)  # warm the calendar cache
    # user, 2FA device, services, states, memberships, organizations, count, page ids, rows,
    # open-state totals, colleagues: 11 when the calendar is cached
    with django_assert_max_num_queries(11):
        response = client.get(URL)
    assert response.status_code == 200


def test_pagination(service, verifier):
    for _ in range(27):
        submitted_case(service=service)
    client = client_for(verifier)
    first = client.get(URL)
    assert len(first.context["rows"]) == 25
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 2
    assert "?page=2" in first.content.decode()


def test_english_page(service, verifier):
    submitted_case(service=service)
    client = client_for(verifier)
    client.cookies["django_language"] = "en"
    client.cookies["balai_language"] = "en"
    body = client.get(URL).content.decode()
    assert "<h1>Worklist</h1>" in body
    assert "Due date (earliest first)" in body
    client.cookies["django_language"] = "id"
    client.cookies["balai_language"] = "id"
    body = client.get(URL).content.decode()
    assert "<h1>Daftar kerja</h1>" in body


def test_membership_of_a_parent_organization_reaches_a_unit(service, agency):
    unit = OrganizationFactory(parent=agency)
    case = submitted_case(service=published_service(owner=unit))
    parent_staff = MembershipFactory(organization=agency, role=Role.VERIFIER).user
    assert case.number in client_for(parent_staff).get(URL).content.decode()


def test_staff_landing_page_links_to_the_worklist(verifier):
    body = client_for(verifier).get("/kantor/").content.decode()
    assert 'href="/kantor/perkara/"' in body
    assert "Daftar kerja" in body


def test_hostile_return_query_is_re_encoded(service, verifier):
    case = submitted_case(service=service)
    response = client_for(verifier).post(
        reverse("worklist:bulk_assign"), {"claim": case.pk, "query": "sort=due_at\r\nSet-Cookie: x=1&a=<b>"}
    )
    assert response.status_code == 302
    assert "\n" not in response["Location"] and "<b>" not in response["Location"]
    assert response["Location"].startswith(URL + "?")
