"""Statistics per agency at /pengaduan/statistik/: complaints received, open and closed, the share answered
within the response deadline, the median time to the first response and the average rating; confidential
complaints counted but never named; the year filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from balai.complaints.models import Complaint
from balai.complaints.public import stats
from balai.complaints.tests.open311_public_setup import dispatch, file_complaint, make_world, respond
from tests.test_accessibility_basics import assert_accessible

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _set(complaint, **fields):
    Complaint.objects.filter(pk=complaint.pk).update(**fields)


@pytest.fixture
def scenario(world):
    """DPUPR: one answered in 24 h and rated 4, one answered late after 72 h, one overdue without an answer,
    one confidential answered in 10 h and rated 5; two complaints still at the coordinator."""
    from balai.complaints.services.reporter import complaint_accept, complaint_rate

    now = timezone.now()
    start = now - dt.timedelta(days=10)

    on_time = dispatch(world, file_complaint(world))
    on_time = respond(world, on_time, "Sudah diperbaiki.")
    complaint_accept(actor=world.citizen, complaint=on_time)
    complaint_rate(actor=world.citizen, complaint=on_time, rating=4)
    _set(
        on_time,
        dispatched_at=start,
        responded_at=start + dt.timedelta(hours=24),
        response_due_at=start + dt.timedelta(days=5),
    )

    late = respond(world, dispatch(world, file_complaint(world)), "Terlambat, maaf.")
    _set(
        late,
        dispatched_at=start,
        responded_at=start + dt.timedelta(hours=72),
        response_due_at=start + dt.timedelta(hours=48),
    )

    overdue = dispatch(world, file_complaint(world))
    _set(overdue, dispatched_at=start, response_due_at=now - dt.timedelta(days=1))

    secret = respond(world, dispatch(world, file_complaint(world, privacy="confidential")), "Ditangani.")
    complaint_accept(actor=world.citizen, complaint=secret)
    complaint_rate(actor=world.citizen, complaint=secret, rating=5)
    _set(
        secret,
        dispatched_at=start,
        responded_at=start + dt.timedelta(hours=10),
        response_due_at=start + dt.timedelta(days=5),
    )

    file_complaint(world)
    file_complaint(world, category="LAMPU-JALAN", attributes={})
    file_complaint(world, actor=None, reporter_email="tamu@contoh.test")  # unconfirmed: not counted
    cache.clear()
    return world


def test_figures_per_agency(scenario):
    figures = {f.agency_code: f for f in stats.agency_figures(None)}
    assert set(figures) == {"DPUPR", "DISKOMINFO"}
    road = figures["DPUPR"]
    assert (road.received, road.open, road.closed) == (4, 2, 2)
    assert (road.responded, road.due, road.on_time) == (3, 4, 2)
    assert road.on_time_percent == 50
    assert road.median_hours == pytest.approx(24.0)  # 10 h, 24 h, 72 h
    assert road.median_days == 1.0
    assert road.rating == 4.5 and road.rated == 2
    coordinator = figures["DISKOMINFO"]
    assert (coordinator.received, coordinator.open, coordinator.responded, coordinator.due) == (2, 2, 0, 0)
    assert coordinator.on_time_percent is None and coordinator.median_days is None and coordinator.rating is None


def test_the_page(scenario):
    client = Client()
    client.cookies["balai_language"] = "en"
    response = client.get("/pengaduan/statistik/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html
    assert "50&nbsp;%" in html and "2 of 4" in html
    assert "4.5 of 5 (2 ratings)" in html or "4,5 of 5 (2 ratings)" in html
    assert "6 complaints in" in html
    assert_accessible(html, "/pengaduan/statistik/")


def test_the_year_filter(scenario):
    client = Client()
    client.cookies["balai_language"] = "en"
    this_year = timezone.now().year
    assert client.get("/pengaduan/statistik/", {"year": str(this_year)}).status_code == 200
    html = client.get("/pengaduan/statistik/", {"year": ""}).content.decode()
    assert "6 complaints in all years" in html
    response = client.get("/pengaduan/statistik/", {"year": "1999"})
    assert response.status_code == 400
    assert "Choose one of the options in the list." in response.content.decode()
    assert stats.agency_figures(this_year - 1) == []


def test_figures_are_cached_until_they_expire(scenario):
    before = {f.agency_code: f.received for f in stats.agency_figures(None)}
    file_complaint(scenario)
    assert {f.agency_code: f.received for f in stats.agency_figures(None)} == before
    cache.clear()
    assert {f.agency_code: f.received for f in stats.agency_figures(None)}["DISKOMINFO"] == before["DISKOMINFO"] + 1


def test_expired_figures_are_served_while_another_process_computes(scenario):
    key = stats.CACHE_KEY % "all"
    before = {f.agency_code: f.received for f in stats.agency_figures(None)}
    file_complaint(scenario)
    stamp, value = cache.get(key)
    cache.set(key, (stamp - stats.CACHE_SECONDS - 1, value), stats.STALE_SECONDS)  # expired
    cache.add(f"{key}:lock", 1, stats.LOCK_SECONDS)  # another process is computing
    assert {f.agency_code: f.received for f in stats.agency_figures(None)} == before
    cache.delete(f"{key}:lock")
    after = {f.agency_code: f.received for f in stats.agency_figures(None)}
    assert after["DISKOMINFO"] == before["DISKOMINFO"] + 1
    assert cache.get(f"{key}:lock") is None


def test_median_in_python_matches_the_database(scenario, monkeypatch):
    database = stats._medians(None)
    monkeypatch.setattr(stats.connection, "vendor", "sqlite")
    assert stats._medians(None) == pytest.approx(database)
