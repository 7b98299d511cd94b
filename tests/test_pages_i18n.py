"""Every page of the site, in Indonesian and in English: status, lang attribute, skip link, one <h1>, labelled
form fields, alt on images, and a main heading and buttons that really are translated.

PUBLIC_PAGES are plain addresses anyone can open. PAGES is the full catalogue: each entry knows how to bring a
test client to the page (start a registration, sign in a citizen, pass two-factor as staff, ...). Add a page by
adding an entry; tests/test_signed_in_pages_i18n.py and tests/test_accessibility_basics.py use the same list.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

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
    "/verifikasi/",
    "/pengaduan/",
    "/pengaduan/peta/",
    "/pengaduan/statistik/",
    "/pengaduan/baru/",
    "/pajak/cek-tagihan/",
]

# Words of the shell that must appear in the page's own language (proves the catalogue is in use).
SHELL_TEXT = {
    "id": "Dibangun dengan Balai, perangkat lunak sumber terbuka",
    "en": "Built with Balai, open-source software",
}

LANGUAGES = ["id", "en"]
PASSWORD = "Rahasia-Kuat-2026"  # noqa: S105 - test-only password
ORGANIZATION_CODE = "DISDUKCAPIL"

pytestmark = pytest.mark.django_db


# --- Bringing a client to a page -------------------------------------------------------------------


_SERIALS = itertools.count(1)


class World:
    """Objects shared by the two language runs of one test (the same agency, the same citizen...), made on
    first use so that a test pays only for what its page needs."""

    def __init__(self) -> None:
        self._made: dict[str, object] = {}

    def once(self, key: str, make: Callable[[], object]) -> object:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def serial(self) -> int:
        """A number not used before in this test run (addresses that must be new)."""
        return next(_SERIALS)

    def organization(self):
        from balai.organizations.models import Organization
        from balai.organizations.tests.factories import OrganizationFactory

        def make():
            existing = Organization.objects.filter(code=ORGANIZATION_CODE).first()
            return existing or OrganizationFactory(
                code=ORGANIZATION_CODE, name="Dinas Kependudukan dan Pencatatan Sipil"
            )

        return self.once("organization", make)

    def citizen(self):
        from balai.accounts.tests.factories import ProfileFactory, UserFactory

        return self.once(
            "citizen", lambda: ProfileFactory(user=UserFactory(citizen=True, verified=True, with_phone=True)).user
        )

    def staff(self):
        from balai.accounts.tests.factories import UserFactory
        from balai.organizations.tests.factories import MembershipFactory

        def make():
            user = UserFactory(staff=True, verified=True)
            MembershipFactory(user=user, organization=self.organization())
            return user

        return self.once("staff", make)

    def superuser(self):
        from balai.accounts.tests.factories import UserFactory

        return self.once("superuser", lambda: UserFactory(superuser=True, verified=True))


def sign_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


def sign_in_with_second_factor(client: Client, user) -> Client:
    """A staff session that has passed TOTP, the way django-otp records it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _registration(client: Client, world: World) -> str:
    """Start a registration (the account waits for its code), then the code page."""
    response = client.post(
        "/akun/daftar/",
        {
            "full_name": "Siti Aminah",
            "email": f"siti{world.serial()}@contoh.test",
            "phone": "",
            "channel": "email",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302, "registration did not start"
    return "/akun/verifikasi/"


def _reset_by_phone(client: Client, world: World) -> str:
    response = client.post("/akun/lupa-sandi/", {"identifier": f"0812-3456-{7000 + world.serial() % 1000}"})
    assert response.status_code == 302, "phone reset did not start"
    return "/akun/lupa-sandi/kode/"


def _reset_link(client: Client, world: World) -> str:
    """Django's reset link redirects to the set-password form; the test follows it."""
    from balai.accounts.tests.factories import UserFactory

    user = UserFactory(verified=True)
    mail.outbox.clear()
    client.post("/akun/lupa-sandi/", {"identifier": user.email})
    link = re.search(r"http://testserver(/akun/lupa-sandi/[^\s]+/)", mail.outbox[-1].body).group(1)
    response = client.get(link)
    assert response.status_code == 302
    return response["Location"]


def _contact_change_confirm(kind: str) -> Callable[[Client, World], str]:
    def setup(client: Client, world: World) -> str:
        sign_in(client, world.citizen())
        if kind == "email":
            data = {"email": f"baru{world.serial()}@contoh.test", "password": "kata-sandi-uji-1234"}
        else:
            data = {"phone": f"0813-1111-{2000 + world.serial() % 1000}", "password": "kata-sandi-uji-1234"}
        response = client.post(f"/akun/ubah-{kind}/", data)
        assert response.status_code == 302, f"{kind} change did not start"
        return response["Location"]

    return setup


def _enrolment(client: Client, world: World) -> str:
    sign_in(client, world.once("staff-without-device", lambda: _new_staff()))
    return "/akun/2fa/daftar/"


def _code_page(client: Client, world: World) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make():
        user = _new_staff()
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        return user

    sign_in(client, world.once("staff-with-device", make))
    return "/akun/2fa/masuk/"


def _backup_codes(client: Client, world: World):
    """Confirming the authenticator answers with the page of backup codes."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = _new_staff()
    sign_in(client, user)
    client.get("/akun/2fa/daftar/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return client.post("/akun/2fa/daftar/", {"token": f"{token:06d}"})


def _locked_out(client: Client, world: World):
    """Too many wrong passwords: django-axes answers with our lockout page."""
    from django.conf import settings

    email = f"terkunci{world.serial()}@contoh.test"
    response = None
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/akun/masuk/", {"username": email, "password": "salah-sekali"})
    return response


def _reset_sent(client: Client, world: World):
    """Asking for a reset by e-mail answers with a page saying the link is on its way."""
    return client.post("/akun/lupa-sandi/", {"identifier": f"siapa{world.serial()}@contoh.test"})


def _csrf_refused(client: Client, world: World):
    """A form sent without its CSRF token (an expired page, another site): our 403 page."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    return strict.post("/akun/masuk/", {"username": "orang@contoh.test", "password": "salah"})


def _bad_host(client: Client, world: World):
    """A request for a host name the site does not serve: our 400 page."""
    return client.get("/", HTTP_HOST="bukan-situs-ini.example")


def _server_error(client: Client, world: World):
    """The 500 page, drawn the way Django draws it: without the request's context (session, user)."""
    from django.test import RequestFactory

    from balai.web.views import server_error

    request = RequestFactory().get("/rusak/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    language = translation.get_language_from_request(request)
    with translation.override(language):
        return server_error(request)


def _new_staff():
    from balai.accounts.tests.factories import UserFactory

    return UserFactory(staff=True, verified=True)


def _citizen_page(path: str) -> Callable[[Client, World], str]:
    def setup(client: Client, world: World) -> str:
        sign_in(client, world.citizen())
        return path

    return setup


def _staff_page(path: str | Callable[[World], str]) -> Callable[[Client, World], str]:
    def setup(client: Client, world: World) -> str:
        sign_in_with_second_factor(client, world.staff())
        return path(world) if callable(path) else path

    return setup


def _anonymous(path: str | Callable[[World], str]) -> Callable[[Client, World], str]:
    def setup(client: Client, world: World) -> str:
        return path(world) if callable(path) else path

    return setup


@dataclass(frozen=True)
class Page:
    name: str
    setup: Callable[[Client, World], str]
    audience: str = "anyone"  # anyone, citizen, staff, admin: who opens it
    status: int = 200
    ours: bool = True  # False for pages drawn by a library (Django admin): only status and language are checked

    def __str__(self) -> str:
        return self.name


PAGES = [
    # Anyone.
    Page("home", _anonymous("/")),
    Page("privacy", _anonymous("/privasi/")),
    Page("accessibility", _anonymous("/aksesibilitas/")),
    Page("agencies", _anonymous(lambda w: (w.organization(), "/instansi/")[1])),
    Page("agency", _anonymous(lambda w: f"/instansi/{w.organization().code}/")),
    Page("sign-in", _anonymous("/akun/masuk/")),
    Page("register", _anonymous("/akun/daftar/")),
    Page("register-code", _registration),
    Page("forgot-password", _anonymous("/akun/lupa-sandi/")),
    Page("forgot-password-code", _reset_by_phone),
    Page("forgot-password-new", _reset_link),
    Page("forgot-password-sent", _reset_sent),
    Page("forgot-password-bad-link", _anonymous("/akun/lupa-sandi/MQ/bukan-token/")),
    Page("api-docs", _anonymous("/api/v1/docs")),
    Page("locked-out", _locked_out, status=429),
    Page("not-found", _anonymous("/tidak-ada-halaman-ini/"), status=404),
    Page("bad-request", _bad_host, status=400),
    Page("csrf-refused", _csrf_refused, status=403),
    Page("server-error", _server_error, status=500),
    # A citizen.
    Page("my-account", _citizen_page("/saya/"), audience="citizen"),
    Page("my-profile", _citizen_page("/saya/profil/"), audience="citizen"),
    Page("my-data", _citizen_page("/saya/data/"), audience="citizen"),
    Page("delete-account", _citizen_page("/saya/hapus-akun/"), audience="citizen"),
    Page("change-password", _citizen_page("/akun/ubah-sandi/"), audience="citizen"),
    Page("change-email", _citizen_page("/akun/ubah-email/"), audience="citizen"),
    Page("change-email-code", _contact_change_confirm("email"), audience="citizen"),
    Page("change-phone", _citizen_page("/akun/ubah-hp/"), audience="citizen"),
    Page("change-phone-code", _contact_change_confirm("hp"), audience="citizen"),
    Page("citizen-refused-office", _citizen_page("/kantor/"), status=403, audience="citizen"),
    # Staff.
    Page("two-factor-enrol", _enrolment, audience="staff"),
    Page("two-factor-code", _code_page, audience="staff"),
    Page("two-factor-backup-codes", _backup_codes, audience="staff"),
    Page("office", _staff_page("/kantor/"), audience="staff"),
    Page("office-components", _staff_page("/kantor/komponen/"), audience="staff"),
    Page("office-components-clean", _staff_page("/kantor/komponen/?valid=1"), audience="staff"),
    Page("office-citizen", _staff_page(lambda w: f"/kantor/warga/{w.citizen().pk}/"), audience="staff"),
    Page("office-staff-account", _staff_page("/saya/"), audience="staff"),
    # Administrators, on Django's own admin (second factor passed).
    Page(
        "admin", lambda c, w: (sign_in_with_second_factor(c, w.superuser()), "/admin/")[1], ours=False, audience="admin"
    ),
]

PAGES_BY_NAME = {page.name: page for page in PAGES}


def open_page(page: Page, language: str, world: World) -> tuple[str, object]:
    """A fresh client in ``language`` (the language cookie) brought to ``page``; returns (path, response)."""
    client = Client()
    client.cookies["balai_language"] = language
    target = page.setup(client, world)
    if isinstance(target, str):
        path, response = target, client.get(target)
    else:  # the setup's last request drew the page itself (a POST answered with a page)
        request = getattr(target, "wsgi_request", None)
        path, response = (request.path if request else page.name), target
    assert response.status_code == page.status, (page.name, language, path, response.status_code)
    return path, response


# --- Checks -----------------------------------------------------------------------------------------


def button_texts(page_html) -> list[str]:
    """What the buttons of a page say: <button> text and <input type=submit> values, whitespace squeezed."""
    texts = [" ".join(e.text.split()) for e in find_all(page_html, "button")]
    texts += [
        e.attrs.get("value", "") for e in page_html.elements if e.tag == "input" and e.attrs.get("type") == "submit"
    ]
    return texts


def heading_text(page_html) -> str:
    return " ".join(find_all(page_html, "h1")[0].text.split())


def translated_to_indonesian(text: str) -> bool:
    """True when the Indonesian catalogues translate this exact English text into something else."""
    with translation.override("id"):
        return translation.gettext(text) != text


def assert_page_basics(html: str, language: str, page_name: str) -> None:
    page = parse(html)
    assert f'<html lang="{language}">' in html, page_name
    assert SHELL_TEXT[language] in html, page_name
    skip_links = [a for a in find_all(page, "a") if a.attrs.get("href") == "#main"]
    assert skip_links, f"{page_name}: skip link"
    assert find_all(page, "main", id="main"), page_name
    assert len(find_all(page, "h1")) == 1, (page_name, [h.text for h in find_all(page, "h1")])
    assert not unlabelled_fields(page), (page_name, [e.attrs for e in unlabelled_fields(page)])
    assert all("alt" in img.attrs for img in find_all(page, "img")), page_name


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


# --- Tests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["cookie", "setlang"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_in_both_languages(path, language, via):
    if not routed(path):
        pytest.skip(f"{path} is not built yet")
    response = fetch(path, language, via)
    assert response.status_code == 200, path
    assert_page_basics(response.content.decode(), language, path)


@pytest.mark.parametrize("page", [p for p in PAGES if p.audience == "anyone"], ids=str)
def test_anonymous_page_in_both_languages_is_translated(page):
    """Indonesian by default, English by cookie; the h1 and the buttons change with the language."""
    check_page_in_both_languages(page)


def check_page_in_both_languages(page: Page) -> None:
    world = World()
    seen = {}
    for language in LANGUAGES:
        _path, response = open_page(page, language, world)
        html = response.content.decode()
        if not page.ours:
            assert f'<html lang="{language}"' in html, page.name
            continue
        assert_page_basics(html, language, page.name)
        seen[language] = parse(html)
    if page.ours:
        assert_translated(page.name, seen["id"], seen["en"])


def assert_translated(name: str, indonesian, english) -> None:
    """The Indonesian page must not show English text that the catalogue translates: the main heading and every
    button are compared across the two languages."""
    en_heading, id_heading = heading_text(english), heading_text(indonesian)
    if translated_to_indonesian(en_heading):
        assert id_heading != en_heading, f"{name}: untranslated heading {id_heading!r}"
    en_buttons, id_buttons = button_texts(english), button_texts(indonesian)
    assert len(en_buttons) == len(id_buttons), (name, id_buttons, en_buttons)
    for id_text, en_text in zip(id_buttons, en_buttons, strict=True):
        if translated_to_indonesian(en_text):
            assert id_text != en_text, f"{name}: untranslated button {id_text!r}"
    leaked = [text for text in [id_heading, *id_buttons] if text and translated_to_indonesian(text)]
    assert not leaked, f"{name}: English text on the Indonesian page: {leaked}"


def test_the_list_covers_the_shell_pages():
    """The shell's own pages must never be skipped as 'not built'."""
    for path in ["/", "/privasi/", "/aksesibilitas/"]:
        assert routed(path)


def test_the_catalogue_names_every_page_once():
    assert len(PAGES_BY_NAME) == len(PAGES)


# --- Catalogues and wording -------------------------------------------------------------------------

# Same English text, different Indonesian in two apps: Django merges the catalogues and the app listed first
# in INSTALLED_APPS wins everywhere, so one of the two pages shows words it was not written with. Checked among
# the foundation's apps; apps still being built (services, cases, ...) are left to their owners.
FOUNDATION_APPS = {"core", "audit", "accounts", "organizations", "notifications", "api", "web", "demo"}
# Known pairs, each with the reason it is left, until its owner settles it (none at the moment).
KNOWN_CATALOGUE_CONFLICTS: set[tuple[str | None, str]] = set()


def foundation_catalogues(language: str = "id") -> list:
    from django.conf import settings

    paths = sorted((settings.BASE_DIR / "balai").glob(f"*/locale/{language}/LC_MESSAGES/django.po"))
    return [path for path in paths if path.parts[-5] in FOUNDATION_APPS]


def catalogue_conflicts(paths: list) -> dict[tuple[str | None, str], dict[str, str]]:
    """(context, English text) → {app: translation} for texts that two catalogues translate differently."""
    import polib

    found: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in paths:
        app = path.parts[-5]
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr:
                continue
            found.setdefault((entry.msgctxt, entry.msgid), {})[app] = entry.msgstr
    return {key: apps for key, apps in found.items() if len(set(apps.values())) > 1}


def test_no_two_catalogues_translate_the_same_text_differently():
    conflicts = catalogue_conflicts(foundation_catalogues())
    unexpected = {key: apps for key, apps in conflicts.items() if key not in KNOWN_CATALOGUE_CONFLICTS}
    assert not unexpected, unexpected
    assert set(conflicts) >= KNOWN_CATALOGUE_CONFLICTS, "a known conflict is settled: take it off the list"


def test_the_conflict_check_can_fail(tmp_path):
    """audit's action label and the 2FA page heading: the same English, different Indonesian; a context keeps
    them apart, without it they collide."""
    import polib

    def catalogue(app: str, entries: list[polib.POEntry]):
        path = tmp_path / app / "locale" / "id" / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True)
        po = polib.POFile()
        po.extend(entries)
        po.save(str(path))
        return path

    text = "Set up two-factor authentication"
    audit = catalogue("audit", [polib.POEntry(msgid=text, msgstr="Mengaktifkan verifikasi dua langkah")])
    with_context = catalogue(
        "accounts", [polib.POEntry(msgid=text, msgctxt="page heading", msgstr="Atur autentikasi dua faktor")]
    )
    without = catalogue("web", [polib.POEntry(msgid=text, msgstr="Atur autentikasi dua faktor")])
    assert not catalogue_conflicts([audit, with_context])
    assert catalogue_conflicts([audit, without]) == {
        (None, text): {"audit": "Mengaktifkan verifikasi dua langkah", "web": "Atur autentikasi dua faktor"}
    }


def test_the_two_factor_heading_is_not_the_audit_label():
    world = World()
    _path, response = open_page(PAGES_BY_NAME["two-factor-enrol"], "id", world)
    assert heading_text(parse(response.content.decode())) == "Atur autentikasi dua faktor"


def test_enrolment_hint_does_not_offer_backup_codes_that_do_not_exist_yet():
    _path, response = open_page(PAGES_BY_NAME["two-factor-enrol"], "id", World())
    html = response.content.decode()
    assert "kode cadangan" not in html
    _path, response = open_page(PAGES_BY_NAME["two-factor-code"], "id", World())
    assert "kode cadangan" in response.content.decode()  # the code page still offers them


def test_reset_by_code_asks_for_the_code_first():
    _path, response = open_page(PAGES_BY_NAME["forgot-password-code"], "id", World())
    html = response.content.decode()
    assert html.index('name="code"') < html.index('name="new_password1"') < html.index('name="new_password2"')


@pytest.mark.parametrize(
    ("language", "words"), [("id", "melalui SMS ke nomor baru"), ("en", "by SMS to the new number")]
)
def test_phone_change_speaks_of_a_number_not_an_address(language, words):
    world = World()
    _path, response = open_page(PAGES_BY_NAME["change-phone"], language, world)
    assert words in response.content.decode()
    _path, response = open_page(PAGES_BY_NAME["change-phone-code"], language, world)
    page = response.content.decode()
    assert words in page  # the notice after sending
    assert "alamat baru" not in page and "new address" not in page


def test_expired_reset_link_says_so_in_its_heading():
    _path, response = open_page(PAGES_BY_NAME["forgot-password-bad-link"], "id", World())
    assert heading_text(parse(response.content.decode())) == "Tautan ini tidak berlaku lagi"
