"""Suite-wide test settings: fast hashing, no network, tasks run at once, known secrets."""

import pytest


@pytest.fixture(scope="session")
def _pki_dir(tmp_path_factory):
    """Keys made by any test (e.g. ``load_demo`` creating the demo PKI) go to a temporary folder, never var/."""
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def _test_settings(settings, _pki_dir):
    from pathlib import Path

    if Path(settings.BALAI_PKI_DIR) == Path(settings.VAR_DIR) / "secrets" / "pki":  # not set by a test's own PKI
        settings.BALAI_PKI_DIR = _pki_dir
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"}}
    settings.AXES_ENABLED = True
    # The payment simulator calls back in process (no HTTP to BALAI_PUBLIC_URL from tests).
    settings.BALAI_PAYMENTS_SIMULATOR_DELIVERY = "inprocess"


@pytest.fixture(autouse=True)
def _clear_cache(_test_settings):
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """A test that switches to English must not leave English active for the next test in the process."""
    yield
    from django.utils import translation

    translation.activate("id")
