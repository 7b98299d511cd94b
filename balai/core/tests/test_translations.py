"""The translation gate: an untranslated or fuzzy Indonesian entry makes check_translations fail."""

import polib
import pytest
from django.core.management import CommandError, call_command

from balai.core import translations


def _write_po(path, entries):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr, flags in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=flags))
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


@pytest.fixture
def fake_app(tmp_path, settings, monkeypatch):
    settings.BASE_DIR = tmp_path
    return tmp_path / "balai" / "demoapp" / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_complete_catalogue_passes(fake_app, capsys):
    _write_po(fake_app, [("Sign in", "Masuk", [])])
    call_command("check_translations", language="id")
    assert "every entry translated" in capsys.readouterr().out


@pytest.mark.parametrize(("msgstr", "flags", "problem"), [("", [], "untranslated"), ("Masuk", ["fuzzy"], "fuzzy")])
def test_incomplete_catalogue_fails(fake_app, msgstr, flags, problem):
    _write_po(fake_app, [("Sign in", msgstr, flags)])
    assert translations.incomplete_entries("id")[0][2] == problem
    with pytest.raises(CommandError):
        call_command("check_translations", language="id")


def test_compile_writes_mo_files_without_gettext(fake_app):
    _write_po(fake_app, [("Sign in", "Masuk", [])])
    written = translations.compile_all()
    assert written == [fake_app.with_suffix(".mo")]
    assert polib.mofile(str(written[0])).find("Sign in").msgstr == "Masuk"
