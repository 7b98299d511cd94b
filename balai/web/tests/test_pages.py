"""The public shell: home, privacy and accessibility pages, navigation, language switch, size budget."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.test import Client

from balai.web.tests.html import find_all, parse, unlabelled_fields

pytestmark = pytest.mark.django_db

PAGES = ["/", "/privasi/", "/aksesibilitas/"]


def get_in(language: str, path: str) -> object:
    client = Client()
    client.cookies["balai_language"] = language
    return client.get(path)


@pytest.mark.parametrize("path", PAGES)
def test_page_is_indonesian_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()


@pytest.mark.parametrize(
    ("path", "indonesian", "english"),
    [
        ("/", "Apa yang ingin Anda lakukan?", "What do you want to do?"),
        ("/privasi/", "Hak Anda", "Your rights"),
        ("/aksesibilitas/", "Keterbatasan yang diketahui", "Known limitations"),
    ],
)
def test_page_text_follows_the_language_cookie(path, indonesian, english):
    id_html = get_in("id", path).content.decode()
    en_html = get_in("en", path).content.decode()
    assert '<html lang="id">' in id_html and indonesian in id_html and english not in id_html
    assert '<html lang="en">' in en_html and english in en_html and indonesian not in en_html


def test_language_switch_posts_to_set_language_and_returns_to_the_same_page(client):
    page = parse(client.get("/privasi/?x=1").content)
    form = next(f for f in find_all(page, "form") if f.attrs.get("class") == "lang-switch")
    assert form.attrs["action"] == "/i18n/setlang/" and form.attrs["method"] == "post"
    assert find_all(page, "input", name="next", value="/privasi/?x=1")
    assert find_all(page, "button", name="language", value="en")
    assert find_all(page, "input", name="csrfmiddlewaretoken")

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/privasi/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/privasi/?x=1"
    assert response.cookies["balai_language"].value == "en"
    assert '<html lang="en">' in client.get("/privasi/").content.decode()


def test_language_switch_refuses_a_foreign_next_address(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_language_switch_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()


def test_home_shows_site_name_search_quick_links_and_steps(client, settings):
    settings.BALAI_SITE_NAME = "Kabupaten Uji Coba"
    html = client.get("/").content.decode()
    page = parse(html)
    assert [h.text.strip() for h in find_all(page, "h1")] == ["Kabupaten Uji Coba"]
    search = next(f for f in find_all(page, "form") if f.attrs.get("role") == "search")
    assert search.attrs["action"] == "/layanan/" and search.attrs["method"] == "get"
    assert find_all(page, "input", name="q", type="search")
    hrefs = {a.attrs.get("href") for a in find_all(page, "a")}
    assert {"/layanan/", "/lacak/", "/bayar/", "/pengaduan/", "/instansi/"} <= hrefs
    assert "Cara kerjanya" in html
    assert not unlabelled_fields(page)


def test_anonymous_people_see_sign_in_and_register(client):
    page = parse(client.get("/").content)
    hrefs = {a.attrs.get("href") for a in find_all(page, "a")}
    assert {"/akun/masuk/", "/akun/daftar/"} <= hrefs
    assert "/saya/" not in hrefs and "/kantor/" not in hrefs


def test_signed_in_citizen_sees_account_and_sign_out_but_no_office(citizen_client):
    page = parse(citizen_client.get("/").content)
    hrefs = {a.attrs.get("href") for a in find_all(page, "a")}
    assert "/saya/" in hrefs and "/kantor/" not in hrefs and "/akun/masuk/" not in hrefs
    sign_out = [f for f in find_all(page, "form") if f.attrs.get("action") == "/akun/keluar/"]
    assert sign_out and sign_out[0].attrs["method"] == "post"


def test_staff_see_the_office_link(staff_client):
    hrefs = {a.attrs.get("href") for a in find_all(parse(staff_client.get("/").content), "a")}
    assert "/kantor/" in hrefs


def test_current_section_is_marked_in_the_navigation(client):
    page = parse(client.get("/").content)
    current = [a for a in find_all(page, "a") if a.attrs.get("aria-current") == "page"]
    assert [a.attrs["href"] for a in current] == ["/"]


@pytest.mark.parametrize("path", PAGES)
def test_skip_link_targets_main_and_images_have_alt(client, path):
    page = parse(client.get(path).content)
    skip = find_all(page, "a", **{"class": "skip-link"})
    assert skip and skip[0].attrs["href"] == "#main"
    assert page.elements.index(skip[0]) < page.elements.index(find_all(page, "header")[0])
    assert find_all(page, "main", id="main")
    assert all("alt" in img.attrs for img in find_all(page, "img"))


def test_footer_links_to_privacy_and_accessibility(client):
    hrefs = {a.attrs.get("href") for a in find_all(parse(client.get("/").content), "a")}
    assert {"/privasi/", "/aksesibilitas/"} <= hrefs


def test_privacy_notice_names_the_law_and_the_rights(client):
    html = client.get("/privasi/").content.decode()
    assert "Nomor 27 Tahun 2022" in html
    assert "3 × 24 jam" in html


def test_accessibility_statement_names_wcag_22_aa(client):
    html = client.get("/aksesibilitas/").content.decode()
    assert "WCAG" in html and "2.2" in html and "AA" in html


def test_pages_have_no_inline_script_or_style(client):
    for path in PAGES:
        html = client.get(path).content.decode()
        assert "style=" not in html
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
            assert "src=" in match.group(1) and "defer" in match.group(1) and not match.group(2).strip()


def test_home_page_is_under_100_kb_with_its_css_and_js(client):
    """HTML + every linked stylesheet and script, before images."""
    html = client.get("/").content
    page = parse(html)
    assets = [link.attrs["href"] for link in find_all(page, "link", rel="stylesheet")]
    assets += [script.attrs["src"] for script in find_all(page, "script") if script.attrs.get("src")]
    assert assets, "the page links its CSS and JS"
    total = len(html)
    for url in assets:
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as handle:
            total += len(handle.read())
    assert total < 100 * 1024, total


def test_logo_comes_from_settings(client, settings):
    settings.BALAI_SITE_LOGO = "https://cdn.example.go.id/logo.svg"
    page = parse(client.get("/").content)
    assert find_all(page, "img", src="https://cdn.example.go.id/logo.svg")


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("web/img/favicon.svg")


def test_messages_are_shown_escaped(client):
    # Messages travel in the cookie storage first; build that cookie as a previous response would.
    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, "Tersimpan <b>rapi</b>")
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    html = client.get("/").content.decode()
    assert 'class="notice notice--success" role="status"' in html
    assert "Tersimpan &lt;b&gt;rapi&lt;/b&gt;" in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_refuse_writes(client, method):
    assert getattr(client, method)("/").status_code == 405
