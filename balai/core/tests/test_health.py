"""Liveness and readiness probes: what a load balancer sees when all is well and when a dependency fails."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from balai.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_healthz_answers_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_probes_answer_head_and_refuse_post():
    assert Client().head("/healthz").status_code == 200
    assert Client().head("/readyz").status_code == 200
    assert Client().post("/healthz").status_code == 405


def test_readyz_reports_every_check_ok(tmp_path):
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert list(tmp_path.rglob("*.txt")) == []  # the storage probe cleans up after itself


def test_readyz_is_503_naming_the_cache_when_it_fails():
    with mock.patch.object(health, "cache") as broken:
        broken.get.return_value = None  # the write was lost
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["cache"] == {"status": "down", "error": "RuntimeError"}
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_is_503_naming_the_database_when_it_raises():
    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("password=hunter2 refused")):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"status": "down", "error": "OperationalError"}
    assert "hunter2" not in response.content.decode()  # the kind of failure, never its details


def test_readyz_is_503_when_any_mocked_check_raises(caplog):
    def failing() -> None:
        raise ConnectionError("redis down")

    with mock.patch.dict(health.CHECKS, {"cache": failing}), caplog.at_level(logging.WARNING, "balai.core.health"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["error"] == "ConnectionError"
    record = next(r for r in caplog.records if r.name == "balai.core.health")
    assert record.check == "cache"


def test_readyz_storage_failure_is_named():
    with mock.patch.object(health.default_storage, "save", side_effect=OSError("disk full")):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"status": "down", "error": "OSError"}
