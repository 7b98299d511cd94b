"""Accessibility basics on every page of the site, in both languages, read from the HTML (html.parser):
images have alt text, every form control has an accessible name, ids are unique, headings do not skip levels,
no inline styles or scripts (the CSP forbids them), and a form sent back with errors opens with an error
summary whose links reach the fields.

The pages come from tests/test_pages_i18n.py (PAGES); a new page added there is checked here too."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client

from balai.web.tests.html import PageParser, find_all, parse, unlabelled_fields
from tests.test_pages_i18n import LANGUAGES, PAGES, World, open_page

pytestmark = pytest.mark.django_db

OUR_PAGES = [page for page in PAGES if page.ours]
HEADINGS = {f"h{level}": level for level in range(1, 7)}


# --- What is checked ---------------------------------------------------------------------------------


def images_without_alt(page: PageParser) -> list[dict]:
    return [img.attrs for img in find_all(page, "img") if "alt" not in img.attrs]


def unnamed_controls(page: PageParser) -> list[dict]:
    """Controls with no accessible name: no label[for] pointing at them, no wrapping <label>, no non-empty
    aria-label, no aria-labelledby pointing at existing ids; a label[for] must have text of its own."""
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    missing = [e.attrs for e in unlabelled_fields(page)]
    labels = {e.attrs.get("for"): e for e in find_all(page, "label") if e.attrs.get("for")}
    for element in page.elements:
        if element.tag not in {"input", "select", "textarea"}:
            continue
        if element.attrs.get("type") in {"hidden", "submit", "button", "reset", "image"}:
            continue
        label = labels.get(element.attrs.get("id"))
        if label is not None and not label.text.strip() and not element.attrs.get("aria-label"):
            missing.append(element.attrs)
        if "aria-label" in element.attrs and not element.attrs["aria-label"].strip():
            missing.append(element.attrs)
        labelled_by = element.attrs.get("aria-labelledby", "").split()
        if labelled_by and not all(ref in ids for ref in labelled_by):
            missing.append(element.attrs)
    return missing


def labels_pointing_nowhere(page: PageParser) -> list[str]:
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    return [
        label.attrs["for"]
        for label in find_all(page, "label")
        if "for" in label.attrs and label.attrs["for"] not in ids
    ]


def duplicate_ids(page: PageParser) -> list[str]:
    counts = Counter(e.attrs["id"] for e in page.elements if "id" in e.attrs)
    return [value for value, count in counts.items() if count > 1]


def inline_styles(page: PageParser) -> list[str]:
    return [e.tag for e in page.elements if "style" in e.attrs]


def inline_handlers(page: PageParser) -> list[str]:
    return [f"{e.tag}[{name}]" for e in page.elements for name in e.attrs if name.startswith("on")]


def inline_scripts(page: PageParser) -> list[str]:
    """Scripts must come from a file (src=...); JSON data blocks are not run and are allowed."""
    return [
        e.text.strip()[:60]
        for e in find_all(page, "script")
        if e.attrs.get("type") not in {"application/json", "application/ld+json"}
        and ("src" not in e.attrs or e.text.strip())
    ]


def unreachable_scroll_areas(page: PageParser) -> list[dict]:
    """A box that scrolls sideways (.table-wrap) must be reachable by keyboard (tabindex=0) and, being
    focusable, have a role and a name that a screen reader announces."""
    missing = []
    for element in page.elements:
        if "table-wrap" not in element.attrs.get("class", "").split():
            continue
        named = element.attrs.get("aria-label", "").strip() or element.attrs.get("aria-labelledby", "").strip()
        if element.attrs.get("tabindex") != "0" or element.attrs.get("role") != "region" or not named:
            missing.append(element.attrs)
    return missing


def skipped_heading_levels(page: PageParser) -> list[str]:
    """Each heading may go at most one level deeper than the one before it (h1 → h3 is a skip); the first
    heading of the page may not be deeper than h2 (the visually hidden h2 of a header is fine)."""
    skips = []
    previous = 1
    for element in page.elements:
        level = HEADINGS.get(element.tag)
        if level is None:
            continue
        if level > previous + 1:
            skips.append(f"h{previous} → h{level} ({' '.join(element.text.split())[:40]!r})")
        previous = level
    return skips


def assert_accessible(html: str, where: str) -> PageParser:
    page = parse(html)
    assert not images_without_alt(page), (where, images_without_alt(page))
    assert not unnamed_controls(page), (where, unnamed_controls(page))
    assert not labels_pointing_nowhere(page), (where, labels_pointing_nowhere(page))
    assert not duplicate_ids(page), (where, duplicate_ids(page))
    assert not inline_styles(page), (where, "style= on", inline_styles(page))
    assert not inline_handlers(page), (where, inline_handlers(page))
    assert not inline_scripts(page), (where, inline_scripts(page))
    assert not skipped_heading_levels(page), (where, skipped_heading_levels(page))
    assert not unreachable_scroll_areas(page), (where, unreachable_scroll_areas(page))
    return page


# --- Pages as they open --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", OUR_PAGES, ids=str)
def test_page_meets_the_basics(page, language):
    path, response = open_page(page, language, World())
    assert_accessible(response.content.decode(), f"{page.name} {path} [{language}]")


def test_admin_page_opens_for_a_verified_administrator():
    """Django's admin is not our markup, so only its opening is checked here (and in the i18n tests)."""
    (admin,) = [page for page in PAGES if not page.ours]
    _path, response = open_page(admin, "id", World())
    assert b"<h1" in response.content


# --- Forms sent back with errors -------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The forms of a page as a browser would send them untouched: hidden values kept, text boxes empty,
    checked radios and boxes, the selected (else first) option of a list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""), "data": {}})
            return
        if not self.forms:
            return
        data = self.forms[-1]["data"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "reset", "image"}:
                return
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    data[name] = a.get("value", "on")
                return
            data[name] = a.get("value", "") if kind == "hidden" else ""
        elif tag == "textarea" and name:
            data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a:
                data[self._select] = a.get("value", "")
            self._select_first.setdefault(self._select, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            self.forms[-1]["data"].setdefault(self._select, self._select_first.get(self._select, ""))
            self._select = None


SHELL_FORMS = {"/i18n/setlang/", "/akun/keluar/"}


def submit_untouched(client: Client, path: str, changes: dict | None = None):
    """Open ``path`` and send its main form (the first POST form that is not the language switch or sign-out)
    the way a person would who presses the button without filling anything in; ``changes`` overrides fields."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    reader = FormReader()
    reader.feed(response.content.decode())
    forms = [f for f in reader.forms if f["method"] == "post" and f["action"] not in SHELL_FORMS]
    assert forms, f"{path}: no form"
    data = {**forms[0]["data"], **(changes or {})}
    return client.post(forms[0]["action"] or path, data)


# Pages of PAGES whose main form is sent back untouched; some with hostile or wrong input instead.
FORMS_WITH_ERRORS = {
    "sign-in": ("sign-in", None),
    "sign-in-wrong-password": ("sign-in", {"username": "orang@contoh.test", "password": "salah-sekali"}),
    "register": ("register", None),
    "register-hostile": (
        "register",
        {"full_name": "<script>alert(1)</script>", "email": "bukan-email", "phone": "abc", "password1": "x"},
    ),
    "register-code": ("register-code", None),
    "forgot-password": ("forgot-password", None),
    "forgot-password-code": ("forgot-password-code", None),
    "forgot-password-new": ("forgot-password-new", None),
    "profile": ("my-profile", None),
    "profile-bad-nik": ("my-profile", {"nik": "3201", "birth_date": "kemarin"}),
    "delete-account": ("delete-account", None),
    "change-password": ("change-password", None),
    "change-email": ("change-email", None),
    "change-email-code": ("change-email-code", None),
    "change-phone": ("change-phone", None),
    "change-phone-code": ("change-phone-code", None),
    "two-factor-enrol": ("two-factor-enrol", None),
    "two-factor-code": ("two-factor-code", None),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(FORMS_WITH_ERRORS))
def test_form_sent_empty_opens_with_an_error_summary(name, language):
    page_name, changes = FORMS_WITH_ERRORS[name]
    page = next(p for p in PAGES if p.name == page_name)
    client = Client()
    client.cookies["balai_language"] = language
    response = submit_untouched(client, page.setup(client, World()), changes)
    assert response.status_code == 200, (name, response.status_code, response.get("Location"))
    html = response.content.decode()
    page = assert_accessible(html, f"{name} with errors [{language}]")
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, f"{name}: no error summary"
    assert 'role="alert"' in summary.group(0)
    assert ".:" not in summary.group(1), f"{name}: a sentence label runs into its error"
    links = re.findall(r'<a href="([^"]*)"', summary.group(1))
    assert links, f"{name}: the error summary links to nothing"
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    for href in links:
        assert href.startswith("#") and href[1:] in ids, f"{name}: {href} points at no element"
    # Fields in error are marked as such for assistive technology.
    invalid = [e for e in page.elements if e.attrs.get("aria-invalid") == "true"]
    field_errors = find_all(page, "p", **{"class": "field__error"})
    if field_errors:
        assert invalid, f"{name}: fields in error are not aria-invalid"


# --- The checks themselves must be able to fail -----------------------------------------------------------


def test_the_checks_catch_bad_markup():
    bad = parse(
        '<h1>A</h1><h3>skipped</h3><img src="x.png"><input id="a" name="q"><p id="a" style="color:red">x</p>'
        '<label for="nowhere">Lost</label><select aria-labelledby="missing"></select><button onclick="x()">b</button>'
        "<script>alert(1)</script>"
    )
    assert images_without_alt(bad)
    assert len(unnamed_controls(bad)) == 2
    assert labels_pointing_nowhere(bad) == ["nowhere"]
    assert duplicate_ids(bad) == ["a"]
    assert inline_styles(bad) == ["p"]
    assert inline_handlers(bad) == ["button[onclick]"]
    assert inline_scripts(bad) == ["alert(1)"]
    assert skipped_heading_levels(bad) == ["h1 → h3 ('skipped')"]
    assert unreachable_scroll_areas(parse('<div class="table-wrap"><table></table></div>'))
    assert not unreachable_scroll_areas(
        parse('<div class="table-wrap" tabindex="0" role="region" aria-label="Daftar"><table></table></div>')
    )


def test_the_checks_accept_good_markup():
    good = parse(
        '<h2 class="visually-hidden">Menu</h2><h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2><img src="x" alt="">'
        '<label for="q">Cari</label><input id="q" name="q"><input type="hidden" name="t">'
        '<span id="l">Bahasa</span><select aria-labelledby="l"></select><label>Setuju <input type="checkbox"></label>'
        '<script src="/static/web/js/balai.js" defer></script><script type="application/json">{"a": 1}</script>'
    )
    assert not images_without_alt(good)
    assert not unnamed_controls(good)
    assert not labels_pointing_nowhere(good)
    assert not duplicate_ids(good)
    assert not inline_scripts(good)
    assert not skipped_heading_levels(good)
