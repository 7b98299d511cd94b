"""Fixtures shared by the complaints tests (the factories module has the helpers)."""

from __future__ import annotations

import pytest

from balai.complaints.tests.factories import complaint_world


@pytest.fixture(autouse=True)
def _complaint_urls(settings):
    # Until balai/urls.py mounts the complaints app's own routes, the tests mount them (see tests/urls.py).
    settings.ROOT_URLCONF = "balai.complaints.tests.urls"


@pytest.fixture
def world(db):
    return complaint_world()
