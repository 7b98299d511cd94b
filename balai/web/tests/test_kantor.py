"""Staff pages: /kantor/ and /kantor/komponen/ are for signed-in government staff only."""

from __future__ import annotations

import pytest
from django.test import Client

from balai.organizations.tests.factories import MembershipFactory
from balai.web.tests.conftest import sign_in_verified
from balai.web.tests.html import find_all, parse, unlabelled_fields

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/kantor/", "/kantor/komponen/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "next=" in response["Location"] and "/kantor/" in response["Location"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_citizens_are_refused(citizen_client, path):
    response = citizen_client.get(path)
    assert response.status_code in {302, 403}
    if response.status_code == 403:
        assert "Anda tidak memiliki akses ke halaman ini" in response.content.decode()


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_citizens_are_refused_by_the_view_itself(citizen, path, rf):
    """The view's own check, without relying on the two-factor middleware in front of /kantor/."""
    from django.core.exceptions import PermissionDenied

    from balai.web import views

    request = rf.get(path)
    request.user = citizen
    view = views.kantor_home if path == "/kantor/" else views.components
    with pytest.raises(PermissionDenied):
        view(request)


def test_staff_home_greets_and_lists_active_memberships(staff_client, staff):
    from django.utils import timezone

    MembershipFactory(user=staff, organization__name="Dinas Kependudukan", role="verifier")
    MembershipFactory(user=staff, organization__name="Dinas Lama", ended_at=timezone.now())
    response = staff_client.get("/kantor/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Selamat datang, Budi Santoso" in html
    assert "Dinas Kependudukan" in html and "Dinas Lama" not in html
    assert 'href="/kantor/komponen/"' in html
    assert 'href="/admin/"' not in html


def test_staff_home_without_memberships_says_so(staff_client):
    html = staff_client.get("/kantor/").content.decode()
    assert "belum menjadi anggota" in html


def test_administrators_get_the_admin_link(admin_client_verified):
    assert 'href="/admin/"' in admin_client_verified.get("/kantor/").content.decode()


def test_staff_home_in_english(staff):
    client = sign_in_verified(Client(), staff)
    client.cookies["balai_language"] = "en"
    html = client.get("/kantor/").content.decode()
    assert '<html lang="en">' in html and "Welcome, Budi Santoso" in html


def test_components_page_documents_every_component_with_code(staff_client):
    from balai.web.components import COMPONENTS

    response = staff_client.get("/kantor/komponen/")
    html = response.content.decode()
    assert response.status_code == 200
    page = parse(html)
    for component in COMPONENTS:
        assert find_all(page, "h2", id=component.slug), component.slug
    assert html.count("<details") >= len(COMPONENTS)
    assert "&lt;button type=&quot;submit&quot; class=&quot;button&quot;&gt;" in html  # the code to copy
    assert 'class="error-summary"' in html  # the demo form shows its error state
    assert "web/includes/pagination.html" in html
    assert not unlabelled_fields(page)
    assert len(find_all(page, "h1")) == 1


def test_components_page_pagination_keeps_other_parameters(staff_client):
    html = staff_client.get("/kantor/komponen/?page=3&q=akta").content.decode()
    assert "?page=4&amp;q=akta" in html or "?q=akta&amp;page=4" in html


def test_components_demo_form_validates_posted_input_and_escapes_it(staff_client):
    response = staff_client.post("/kantor/komponen/", {"full_name": "<script>alert(1)</script>", "nik": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert 'class="error-summary"' in html


def test_components_page_in_english(staff):
    client = sign_in_verified(Client(), staff)
    client.cookies["balai_language"] = "en"
    html = client.get("/kantor/komponen/?valid=1").content.decode()
    assert '<html lang="en">' in html and "State tags" in html and 'class="error-summary"' not in html
