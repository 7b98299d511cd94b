"""The admin: categories, templates and settings are edited there; complaints are read-only and never show the
reporter's contact; a category with badly formed extra questions is refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from balai.accounts.tests.factories import UserFactory
from balai.complaints.models import ComplaintCategory
from balai.complaints.tests.factories import filed_complaint
from balai.web.tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world):
    return sign_in_verified(Client(), UserFactory(superuser=True))


def test_lists_open(admin_client):
    complaint = filed_complaint(actor=None, reporter_email="rahasia@contoh.test", reporter_name="Nama Rahasia")
    for url in (
        "/admin/complaints/complaintcategory/",
        "/admin/complaints/complaint/",
        "/admin/complaints/responsetemplate/",
        "/admin/complaints/complaintsettings/",
    ):
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert "rahasia@contoh.test" not in page and "Nama Rahasia" not in page


def test_category_with_bad_questions_is_refused(admin_client):
    category = ComplaintCategory.objects.get(code="LAINNYA")
    url = f"/admin/complaints/complaintcategory/{category.pk}/change/"
    data = {
        "code": category.code,
        "open311_code": category.open311_code,
        "name": category.name,
        "name_en": category.name_en,
        "group": category.group,
        "position": category.position,
        "description": "",
        "routes_to": category.routes_to_id,
        "response_days": 5,
        "keywords": "[]",
        "attributes": json.dumps([{"code": "x", "description": "Warna", "datatype": "colour"}]),
        "is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200  # shown again with the error
    category.refresh_from_db()
    assert category.attributes == []
    data["attributes"] = json.dumps([{"code": "x", "description": "Warna", "datatype": "string"}])
    assert admin_client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.attributes[0]["code"] == "x"
