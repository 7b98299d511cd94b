"""Every page behind a sign-in, in Indonesian and in English: the citizen's own pages, the account changes, the
staff workspace after two-factor, the two-factor pages themselves and Django's admin for an administrator.

The pages and how a client reaches each are listed once, in tests/test_pages_i18n.py (PAGES)."""

from __future__ import annotations

import pytest

from tests.test_pages_i18n import LANGUAGES, PAGES, World, check_page_in_both_languages, open_page

pytestmark = pytest.mark.django_db

SIGNED_IN = [page for page in PAGES if page.audience != "anyone"]


@pytest.mark.parametrize("page", SIGNED_IN, ids=str)
def test_signed_in_page_in_both_languages_is_translated(page):
    check_page_in_both_languages(page)


def test_every_audience_is_covered():
    assert {page.audience for page in SIGNED_IN} == {"citizen", "staff", "admin"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_menu_follows_the_language(language):
    """The header of a signed-in staff member (account, office, sign out) is in the page's language."""
    _path, response = open_page(next(p for p in PAGES if p.name == "office"), language, World())
    html = response.content.decode()
    expected = {"id": ["Akun saya", "Kantor", "Keluar"], "en": ["My account", "Office", "Sign out"]}[language]
    for word in expected:
        assert word in html, (language, word)
