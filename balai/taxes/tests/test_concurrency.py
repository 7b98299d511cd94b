"""Under real concurrency (PostgreSQL): two workers on one SPPT run assess every object once; NPWPD stay gap-free;
the same month filed twice at once gives one return and one bill."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from balai.payments.models import Bill
from balai.taxes.models import Assessment, Taxpayer, TaxReturn
from balai.taxes.services import generation_execute, generation_request, tax_return_file, taxpayer_register

from .conftest import travel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
JAKARTA = dt.timezone(dt.timedelta(hours=7))


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def _run_together(workers):
    barrier = threading.Barrier(len(workers))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results, errors


def test_two_workers_on_one_run_assess_each_object_once(taxpayer, make_object):
    _needs_postgres()
    for number in range(1, 31):
        make_object(taxpayer, 100 + number)
    run = generation_request(actor=None, year=2026, enqueue=False)
    results, errors = _run_together([lambda: generation_execute(run_id=run.pk, batch_size=4) for _ in range(2)])
    assert errors == []
    run.refresh_from_db()
    assert run.status == "completed" and run.created_count == 30 and run.done == 30
    assert Assessment.objects.count() == 30 == Bill.objects.count()
    assert Assessment.objects.filter(njoptkp__gt=0).count() == 1


def test_concurrent_registrations_get_gap_free_npwpd(setup):
    _needs_postgres()
    results, errors = _run_together(
        [lambda n=n: taxpayer_register(actor=None, name=f"Wajib Pajak {n}", kind="individual").npwpd for n in range(20)]
    )
    assert errors == []
    assert sorted(results) == [f"P.1.{n:07d}.99.01" for n in range(1, 21)]
    assert Taxpayer.objects.count() == 20


def test_the_same_month_filed_twice_at_once_gives_one_return(business, owner):
    _needs_postgres()

    def file():
        return tax_return_file(actor=owner, taxpayer=business, tax_type="PBJT-MAKAN", year=2026, month=4, turnover=1000)

    # One patch of the clock for all threads (patching in each thread would restore in the wrong order).
    with travel(dt.datetime(2026, 5, 10, 10, tzinfo=JAKARTA)):
        results, errors = _run_together([file, file, file])
    assert len(results) == 1 and len(errors) == 2
    assert all(getattr(e, "code", "") == "already_filed" for e in errors)
    assert TaxReturn.objects.count() == 1 and Bill.objects.filter(kind="tax_return").count() == 1
