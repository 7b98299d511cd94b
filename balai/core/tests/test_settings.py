"""Configuration by environment: production refuses to start without its secrets; e-mail URLs parse."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from balai.settings import _email_settings

BASE = Path(__file__).resolve().parents[3]


def _run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "BALAI_ENV"}}
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=BASE, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run_check({"BALAI_ENV": "production", "BALAI_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secrets.json").exists()


def test_development_generates_secrets_once_with_private_permissions(tmp_path):
    first = _run_check({"BALAI_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    path = tmp_path / "secrets.json"
    content = path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert _run_check({"BALAI_VAR_DIR": str(tmp_path)}).returncode == 0
    assert path.read_text() == content


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        (
            "smtp+tls://user%40x:p%2Fw@mail.example:2525",
            {"EMAIL_HOST": "mail.example", "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "user@x",
             "EMAIL_HOST_PASSWORD": "p/w", "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False},
        ),
        ("smtps://mail.example", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
    ],
)  # fmt: skip
def test_email_url_is_parsed(url, expected):
    parsed = _email_settings(url)
    for key, value in expected.items():
        assert parsed[key] == value


def test_unknown_email_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        _email_settings("pigeon://coop")
