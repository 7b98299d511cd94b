"""The audit trail: events are written with context, chained, immutable, and tampering is detected."""

import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from balai.accounts.tests.factories import UserFactory
from balai.audit.models import GENESIS_HASH, AuditEvent, AuditEventImmutable
from balai.audit.registry import label_for, register
from balai.audit.services import REDACTED, audit_log, audit_verify_chain
from balai.core import request_context

pytestmark = pytest.mark.django_db


def test_first_event_starts_from_genesis_and_next_links_to_it():
    first = audit_log(action="account.signed_in")
    second = audit_log(action="account.signed_out")
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert len(first.hash) == 64 and first.hash != second.hash


def test_target_sets_object_type_and_id_and_actor_is_kept():
    user = UserFactory()
    actor = UserFactory(staff=True)
    event = audit_log(actor=actor, action="user.updated", target=user, summary={"fields": ["full_name"]})
    event.refresh_from_db()
    assert event.object_type == "accounts.user"
    assert event.object_id == str(user.pk)
    assert event.actor == actor
    assert event.summary == {"fields": ["full_name"]}


def test_explicit_object_type_and_id_without_target():
    event = audit_log(action="apikey.revoked", object_type="api.apikey", object_id=42)
    assert (event.object_type, event.object_id) == ("api.apikey", "42")


def test_anonymous_user_is_stored_as_no_actor_with_label():
    from django.contrib.auth.models import AnonymousUser

    event = audit_log(actor=AnonymousUser(), action="account.sign_in_failed", actor_label="+62812••••7890")
    assert event.actor is None
    assert event.actor_label == "+62812••••7890"


def test_ip_user_agent_and_request_id_come_from_the_request_context():
    token = request_context.set_current(
        request_context.RequestContext(request_id="req-12345678", ip="203.0.113.9", user_agent="Firefox")
    )
    try:
        event = audit_log(action="account.signed_in")
    finally:
        request_context.reset(token)
    assert (event.ip, event.user_agent, event.request_id) == ("203.0.113.9", "Firefox", "req-12345678")


def test_explicit_ip_and_user_agent_win_and_bad_ip_is_dropped():
    event = audit_log(action="account.signed_in", ip="::ffff:10.0.0.1", user_agent="curl")
    assert (event.ip, event.user_agent) == ("10.0.0.1", "curl")
    assert audit_log(action="account.signed_in", ip="not-an-ip").ip is None


def test_secrets_in_the_summary_are_redacted_and_values_made_json():
    import datetime
    from decimal import Decimal

    event = audit_log(
        action="account.password_changed",
        summary={
            "password": "hunter2hunter2",
            "new_password1": "x",
            "nik": "3201014204900001",
            "verification_code": "123456",
            "nested": {"api_key": "abc", "token": "t", "ok": 1},
            "when": datetime.date(2026, 1, 2),
            "amount": Decimal("10.50"),
            "big": 1e20,
        },
    )
    event.refresh_from_db()
    dumped = json.dumps(event.summary)
    for secret in ("hunter2hunter2", "3201014204900001", "123456", "abc"):
        assert secret not in dumped
    assert event.summary["password"] == REDACTED
    assert event.summary["nested"] == {"api_key": REDACTED, "token": REDACTED, "ok": 1}
    assert event.summary["when"] == "2026-01-02"
    assert event.summary["amount"] == "10.50"
    assert audit_verify_chain().ok


def test_overlong_values_are_cut_and_nul_removed():
    event = audit_log(action="account.signed_in", user_agent="A" * 2000 + "\x00", actor_label="x" * 500)
    event.refresh_from_db()
    assert len(event.user_agent) == 500 and len(event.actor_label) == 200
    assert audit_verify_chain().ok


@pytest.mark.parametrize("bad", ["", "has space", "x" * 101])
def test_invalid_action_is_refused(bad):
    with pytest.raises(ValueError):
        audit_log(action=bad)
    assert AuditEvent.objects.count() == 0


def test_event_rolls_back_with_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log(action="organization.created")
        raise RuntimeError("boom")
    assert AuditEvent.objects.count() == 0
    audit_log(action="organization.created")
    assert audit_verify_chain().ok


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = audit_log(action="account.signed_in", summary={"a": 1})
    event.summary = {"a": 2}
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(summary={})
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.summary == {"a": 1}


def test_a_second_event_with_the_same_predecessor_is_refused_by_the_database():
    first = audit_log(action="account.signed_in")
    fork = AuditEvent(created_at=first.created_at, action="x.y", prev_hash=first.prev_hash, hash="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)


def test_user_with_audit_events_cannot_be_deleted():
    from django.db.models import ProtectedError

    user = UserFactory()
    audit_log(actor=user, action="account.signed_in")
    with pytest.raises(ProtectedError):
        user.delete()


# --- verification ---------------------------------------------------------------------------------


def _write(n):
    return [audit_log(action="account.signed_in", summary={"n": i}) for i in range(n)]


def test_intact_chain_verifies_and_command_prints_ok(capsys):
    _write(5)
    result = audit_verify_chain()
    assert result.ok and result.count == 5
    call_command("audit_verify")
    assert "OK: 5 events" in capsys.readouterr().out


def test_empty_chain_is_ok():
    assert audit_verify_chain().ok and audit_verify_chain().count == 0


def test_edited_summary_is_detected_with_the_event_id():
    events = _write(5)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET summary = %s WHERE id = %s",  # noqa: S608
            [json.dumps({"n": 99}), events[2].pk],
        )
    result = audit_verify_chain()
    assert not result.ok
    assert (result.broken_event_id, result.problem, result.count) == (events[2].pk, "hash_mismatch", 2)
    with pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("audit_verify")


def test_edit_with_recomputed_hash_breaks_the_next_link():
    events = _write(4)
    target = AuditEvent.objects.get(pk=events[1].pk)
    target.summary = {"n": 1000}
    forged = target.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET summary = %s, hash = %s WHERE id = %s",  # noqa: S608
            [json.dumps({"n": 1000}), forged, events[1].pk],
        )
    result = audit_verify_chain()
    assert (result.ok, result.broken_event_id, result.problem) == (False, events[2].pk, "broken_link")


def test_deleted_middle_row_is_detected_at_the_next_event():
    events = _write(5)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[2].pk])  # noqa: S608
    result = audit_verify_chain()
    assert (result.ok, result.broken_event_id, result.problem) == (False, events[3].pk, "broken_link")
    with pytest.raises(CommandError, match=f"event {events[3].pk}"):
        call_command("audit_verify")


def test_cut_off_newest_events_are_detected_against_a_recorded_head(capsys):
    _write(3)
    call_command("audit_verify")
    head = capsys.readouterr().out.split("head: ")[1].strip()
    assert head == AuditEvent.objects.order_by("-id").first().hash
    _write(2)
    call_command("audit_verify", expect_hash=head)  # still there: OK
    last_three = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:3])
    with connection.cursor() as cursor:
        for pk in last_three:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
    assert audit_verify_chain().ok  # the chain alone cannot see it...
    result = audit_verify_chain(expect_hash=head)
    assert (result.ok, result.problem) == (False, "missing_expected")  # ...the recorded head can
    with pytest.raises(CommandError, match="missing_expected"):
        call_command("audit_verify", expect_hash=head)


def test_changed_actor_is_detected():
    user, other = UserFactory(), UserFactory()
    event = audit_log(actor=user, action="account.signed_in")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET actor_id = %s WHERE id = %s",  # noqa: S608
            [other.pk, event.pk],
        )
    assert audit_verify_chain().problem == "hash_mismatch"


# --- registry -------------------------------------------------------------------------------------


def test_registered_actions_have_translated_labels_and_unknown_fall_back():
    from django.utils import translation

    with translation.override("en"):
        assert label_for("account.signed_in") == "Signed in"
        assert label_for("unknown.thing") == "unknown.thing"
    with translation.override("id"):
        assert label_for("membership.granted") == "Memberikan peran"
    for action in [
        "account.signed_in",
        "account.sign_in_failed",
        "account.signed_out",
        "account.registered",
        "account.verified",
        "account.password_changed",
        "account.password_reset",
        "account.email_changed",
        "account.phone_changed",
        "account.nik_unmasked",
        "account.data_exported",
        "account.deleted",
        "account.two_factor_enrolled",
        "account.locked_out",
        "membership.granted",
        "membership.revoked",
        "membership.role_changed",
        "organization.created",
        "organization.updated",
        "apikey.created",
        "apikey.revoked",
        "user.created",
        "user.updated",
    ]:
        assert label_for(action) != action, action


def test_register_a_new_action():
    register("test.thing_done", "Thing done")
    assert AuditEvent(action="test.thing_done").action_label == "Thing done"
    with pytest.raises(ValueError):
        register("bad name", "x")


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from django.db import connections

    threads_n, per_thread = 8, 25
    errors = []
    barrier = threading.Barrier(threads_n)

    def writer(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_log(action="account.signed_in", summary={"thread": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit_verify_chain()
    assert result.ok, result.message
    assert result.count == threads_n * per_thread
    assert AuditEvent.objects.values("prev_hash").distinct().count() == threads_n * per_thread
