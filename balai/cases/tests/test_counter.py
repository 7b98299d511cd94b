"""Counter (assisted) filing /kantor/perkara/loket/: front-office staff find a person by NIK or register a
walk-in person, file for them with channel "counter", and print a receipt; all audited and refused to
others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balai.accounts.nik import make_nik
from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.audit.models import AuditEvent
from balai.cases.models import Case
from balai.cases.tests.factories import published_service, staff_with_role
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db
WALK_IN_NIK = make_nik(__import__("datetime").date(1990, 5, 17), "M", serial=77)


@pytest.fixture
def agency():
    return OrganizationFactory(name="Dinas Kependudukan")


@pytest.fixture
def service(agency):
    return published_service(owner=agency, name="Surat Keterangan Uji")


@pytest.fixture
def front_office(agency):
    return staff_with_role(agency, Role.FRONT_OFFICE)


def client_for(user) -> Client:
    return sign_in_verified(Client(), user)


def file_url(service) -> str:
    return reverse("worklist:counter_file", args=[service.code])


def test_service_choice_redirects_to_the_filing_page(service, front_office):
    client = client_for(front_office)
    page = client.get(reverse("worklist:counter"))
    assert page.status_code == 200
    assert service.name in page.content.decode()
    response = client.get(reverse("worklist:counter"), {"service": service.code})
    assert response.status_code == 302
    assert response["Location"] == file_url(service)


def test_unknown_service_choice_is_a_message(service, front_office):
    response = client_for(front_office).get(reverse("worklist:counter"), {"service": "<b>X</b>"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client_for(front_office).get(reverse("worklist:counter_file", args=["TIDAK-ADA"])).status_code == 404


def test_staff_without_the_front_office_role_are_refused(service, agency):
    verifier = staff_with_role(agency, Role.VERIFIER)
    client = client_for(verifier)
    assert client.get(reverse("worklist:counter")).status_code == 403
    assert client.post(file_url(service), {"action": "lookup", "nik": WALK_IN_NIK}).status_code == 403
    assert not AuditEvent.objects.filter(action="case.counter_lookup").exists()


def test_citizens_are_refused(service):
    client = Client()
    client.force_login(UserFactory(citizen=True, verified=True))
    assert client.get(reverse("worklist:counter")).status_code == 403
    assert client.get(file_url(service)).status_code == 403


def test_front_office_of_another_agency_cannot_file_this_service(service):
    other = staff_with_role(OrganizationFactory(), Role.FRONT_OFFICE)
    assert client_for(other).get(file_url(service)).status_code == 404


def test_filing_for_a_found_account(service, front_office):
    person = ProfileFactory().user
    nik = person.citizen_profile.nik
    client = client_for(front_office)
    found = client.post(file_url(service), {"action": "lookup", "nik": nik})
    assert found.status_code == 200
    body = found.content.decode()
    assert person.full_name in body
    assert nik not in body  # masked on screen
    token = found.context["token"]
    assert nik not in token  # the hidden person token is encrypted
    response = client.post(file_url(service), {"action": "submit", "person": token, "purpose": "Melamar kerja"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("worklist:counter_receipt", args=[case.number])
    assert case.channel == "counter"
    assert case.applicant == person
    assert case.answers == {"purpose": "Melamar kerja"}
    lookup = AuditEvent.objects.get(action="case.counter_lookup")
    assert nik not in str(lookup.summary)
    assert AuditEvent.objects.filter(action="case.submitted").exists()
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert case.number in receipt.content.decode()
    assert case.verification_code in receipt.content.decode()


def test_filing_for_a_walk_in_person(service, front_office):
    client = client_for(front_office)
    missing = client.post(file_url(service), {"action": "lookup", "nik": WALK_IN_NIK})
    assert missing.status_code == 200
    assert missing.context["step"] == "walk_in"
    registered = client.post(
        file_url(service),
        {"action": "walk_in", "name": "  Siti   Aminah ", "nik": WALK_IN_NIK, "phone": "0812 3456 7890"},
    )
    assert registered.context["step"] == "form"
    token = registered.context["token"]
    response = client.post(file_url(service), {"action": "submit", "person": token, "purpose": "Pindah domisili"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant is None
    assert case.walk_in_name == "Siti Aminah"
    assert case.walk_in_nik == WALK_IN_NIK
    assert case.walk_in_phone == "+6281234567890"
    assert case.channel == "counter"
    body = client.get(reverse("worklist:detail", args=[case.number])).content.decode()
    assert WALK_IN_NIK not in body and "Siti Aminah" in body


@pytest.mark.parametrize("nik", ["", "123", "abcdefghijklmnop", "3201019999900001", "<script>x</script>"])
def test_bad_nik_at_lookup_gives_a_message(service, front_office, nik):
    response = client_for(front_office).post(file_url(service), {"action": "lookup", "nik": nik})
    assert response.status_code == 400
    assert response.context["lookup_form"].errors["nik"]
    assert "<script>x</script>" not in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "nik": WALK_IN_NIK},
        {"name": "A" * 201, "nik": WALK_IN_NIK},
        {"name": "Budi", "nik": "123"},
        {"name": "Budi", "nik": WALK_IN_NIK, "phone": "bukan nomor"},
    ],
)
def test_bad_walk_in_data_gives_messages_and_stores_nothing(service, front_office, data):
    response = client_for(front_office).post(file_url(service), {"action": "walk_in", **data})
    assert response.status_code == 400
    assert response.context["walk_in_form"].errors
    assert not Case.objects.exists()


def test_missing_answer_keeps_the_person_and_stores_nothing(service, front_office):
    client = client_for(front_office)
    registered = client.post(file_url(service), {"action": "walk_in", "name": "Budi", "nik": WALK_IN_NIK})
    token = registered.context["token"]
    response = client.post(file_url(service), {"action": "submit", "person": token, "purpose": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["purpose"]
    assert response.context["token"] == token
    assert not Case.objects.exists()


def test_tampered_or_foreign_person_token_is_refused(service, front_office, agency):
    client = client_for(front_office)
    for token in ["", "abc", "x" * 5000]:
        response = client.post(file_url(service), {"action": "submit", "person": token, "purpose": "x"})
        assert response.status_code == 400
    registered = client.post(file_url(service), {"action": "walk_in", "name": "Budi", "nik": WALK_IN_NIK})
    token = registered.context["token"]
    colleague = staff_with_role(agency, Role.FRONT_OFFICE)
    response = client_for(colleague).post(file_url(service), {"action": "submit", "person": token, "purpose": "x"})
    assert response.status_code == 400
    other_service = published_service(owner=agency)
    response = client.post(file_url(other_service), {"action": "submit", "person": token, "purpose": "x"})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_unknown_action_is_a_bad_request(service, front_office):
    assert client_for(front_office).post(file_url(service), {"action": "drop"}).status_code == 400


def test_receipt_only_for_counter_cases_in_scope(service, front_office):
    from balai.cases.tests.factories import submitted_case

    web_case = submitted_case(service=service)
    client = client_for(front_office)
    assert client.get(reverse("worklist:counter_receipt", args=[web_case.number])).status_code == 404
    outsider = staff_with_role(OrganizationFactory(), Role.FRONT_OFFICE)
    Case.objects.filter(pk=web_case.pk).update(channel="counter")
    assert client_for(outsider).get(reverse("worklist:counter_receipt", args=[web_case.number])).status_code == 404
    assert client.get(reverse("worklist:counter_receipt", args=[web_case.number])).status_code == 200


def test_counter_pages_in_english(service, front_office):
    client = client_for(front_office)
    client.cookies["django_language"] = "en"
    client.cookies["balai_language"] = "en"
    body = client.get(file_url(service)).content.decode()
    assert "Step 1 of 2: find the person" in body
    client.cookies["django_language"] = "id"
    client.cookies["balai_language"] = "id"
    body = client.get(file_url(service)).content.decode()
    assert "Langkah 1 dari 2" in body
