"""With REDIS_URL set, the cache (and so cached sessions and rate-limit counters) lives in Redis, and
/readyz reports it. Needs the Redis server of the machine (127.0.0.1:6379); skipped, with the reason, where
none runs."""

import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_running(), reason="no Redis server on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"balai-test-{uuid.uuid4().hex[:8]}",
        }
    }
    cache = caches["default"]
    yield cache
    cache.clear()


def test_values_written_by_one_cache_client_are_read_by_another(redis_cache):
    from django.core.cache.backends.redis import RedisCache

    redis_cache.set("shared", "across processes", timeout=30)
    other_process = RedisCache(REDIS_URL, {"KEY_PREFIX": redis_cache.key_prefix})
    assert other_process.get("shared") == "across processes"


@pytest.mark.django_db
def test_readyz_checks_redis(client, redis_cache):
    body = client.get("/readyz").json()
    assert body["checks"]["cache"]["status"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_the_cache_down_when_redis_is_unreachable(client):
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    # Restored before the suite's own teardown clears the cache.
    with override_settings(CACHES=unreachable):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "down"
