"""Every public page of the site, in Indonesian and in English: status, lang attribute, skip link, one <h1>,
labelled form fields, alt on images. Add a page by adding its path to PUBLIC_PAGES."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from balai.web.tests.html import find_all, parse, unlabelled_fields

PUBLIC_PAGES = [
    "/",
    "/privasi/",
    "/aksesibilitas/",
    "/akun/masuk/",
    "/akun/daftar/",
    "/akun/lupa-sandi/",
    "/instansi/",
    "/layanan/",
    "/lacak/",
]

# Words of the shell that must appear in the page's own language (proves the catalogue is in use).
SHELL_TEXT = {
    "id": "Dibangun dengan Balai, perangkat lunak sumber terbuka",
    "en": "Built with Balai, open-source software",
}

pytestmark = pytest.mark.django_db


def routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def fetch(path: str, language: str, via: str) -> object:
    client = Client()
    if via == "cookie":
        client.cookies["balai_language"] = language
    else:
        response = client.post("/i18n/setlang/", {"language": language, "next": path})
        assert response.status_code == 302 and response["Location"] == path
    return client.get(path)


@pytest.mark.parametrize("via", ["cookie", "setlang"])
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_in_both_languages(path, language, via):
    if not routed(path):
        pytest.skip(f"{path} is not built yet")
    response = fetch(path, language, via)
    assert response.status_code == 200, path
    html = response.content.decode()
    page = parse(html)
    assert f'<html lang="{language}">' in html
    assert SHELL_TEXT[language] in html
    skip_links = [a for a in find_all(page, "a") if a.attrs.get("href") == "#main"]
    assert skip_links, "skip link"
    assert find_all(page, "main", id="main")
    assert len(find_all(page, "h1")) == 1, [h.text for h in find_all(page, "h1")]
    assert not unlabelled_fields(page), [e.attrs for e in unlabelled_fields(page)]
    assert all("alt" in img.attrs for img in find_all(page, "img"))


def test_the_list_covers_the_shell_pages():
    """The shell's own pages must never be skipped as 'not built'."""
    for path in ["/", "/privasi/", "/aksesibilitas/"]:
        assert routed(path)
