"""Complaints are cases, but the generic application pages never show or act on them: their own pages keep
an anonymous reporter's identity from the agency and move the case between agencies."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balai.complaints.tests.factories import complaint_world, filed_complaint, staff
from balai.organizations.models import Role
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return complaint_world()


def test_the_reporter_finds_it_under_complaints_not_applications(world):
    complaint = filed_complaint(privacy="anonymous")
    client = Client()
    client.force_login(complaint.case.applicant)
    listing = client.get(reverse("my_cases:list")).content.decode()
    assert complaint.case.number not in listing
    response = client.get(reverse("my_cases:detail", args=[complaint.case.number]))
    assert response.status_code == 302
    assert response["Location"] == reverse("my_complaints:detail", args=[complaint.case.number])


def test_staff_are_sent_to_the_complaint_page_and_generic_steps_refuse(world):
    complaint = filed_complaint(privacy="anonymous")
    number = complaint.case.number
    coordinator = staff(world.coordinator, Role.HEAD)
    client = sign_in_verified(Client(), coordinator)
    response = client.get(reverse("worklist:detail", args=[number]))
    assert response.status_code == 302 and response["Location"] == reverse("complaints_staff:detail", args=[number])
    version = complaint.case.version
    for name, data in (
        ("worklist:note", {"body": "x", "is_public": ""}),
        ("worklist:assign", {"version": version, "assignee": coordinator.pk}),
        ("worklist:transition", {"step": "x"}),
    ):
        assert client.post(reverse(name, args=[number]), data).status_code == 404
    assert client.get(f"/api/v1/staff/cases/{number}").status_code == 404
    listed = client.get("/api/v1/staff/cases").json()
    assert number not in [c["number"] for c in listed["results"]]


def test_the_worklist_row_links_to_the_complaint_and_names_nobody(world):
    reporter_name = "Pelapor Rahasia Sekali"
    from balai.accounts.tests.factories import UserFactory

    reporter = UserFactory(citizen=True, verified=True, full_name=reporter_name)
    complaint = filed_complaint(reporter=reporter, privacy="anonymous")
    client = sign_in_verified(Client(), staff(world.coordinator, Role.HEAD))
    html = client.get(reverse("worklist:list")).content.decode()
    assert reverse("complaints_staff:detail", args=[complaint.case.number]) in html
    assert reporter_name not in html
