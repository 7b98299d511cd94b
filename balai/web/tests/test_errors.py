"""Error pages in both languages, with next steps; the 500 page renders without the database."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from balai.web.tests.html import find_all, parse

TEST_URLS = "balai.web.tests.urls"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("id", "tidak ditemukan"), ("en", "Page not found")])
def test_404_in_both_languages(language, text):
    client = Client()
    client.cookies["balai_language"] = language
    response = client.get("/tidak-ada-halaman-ini/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html and text in html
    hrefs = {a.attrs.get("href") for a in find_all(parse(html), "a")}
    assert {"/", "/layanan/", "/lacak/"} <= hrefs
    assert len(find_all(parse(html), "h1")) == 1


@pytest.mark.django_db
def test_403_page(citizen):
    from django.test import RequestFactory

    from balai.web.views import permission_denied

    request = RequestFactory().get("/kantor/")
    request.user = citizen
    with translation.override("id"):
        response = permission_denied(request)
    assert response.status_code == 403
    assert "Anda tidak memiliki akses ke halaman ini" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"), [("id", "Permintaan tidak dapat dipahami"), ("en", "could not be understood")]
)
def test_400_page(settings, language, text):
    settings.ROOT_URLCONF = TEST_URLS
    client = Client()
    client.cookies["balai_language"] = language
    response = client.get("/_test/suspicious/")
    assert response.status_code == 400
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("id", "terjadi kesalahan di pihak kami"), ("en", "went wrong on our side")]
)
def test_500_page_renders_without_the_database(settings, language, text):
    """No ``db`` fixture: pytest-django makes any database access fail, like a database that is down."""
    settings.ROOT_URLCONF = TEST_URLS
    client = Client(raise_request_exception=False)
    client.cookies["balai_language"] = language
    response = client.get("/_test/boom/", headers={"X-Request-ID": "req-500-abcdef"})
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and text in html
    assert "req-500-abcdef" in html  # the reference people can quote
    assert "a bug in a view" not in html  # no internals
    assert 'href="/"' in html


@pytest.mark.django_db
def test_csrf_failure_page_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    client.cookies["balai_language"] = "en"
    response = client.post("/i18n/setlang/", {"language": "id"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The form has expired" in html and "cookies" in html
