"""Recording audit events and sealing checkpoints."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import rfc8785
from audit_support import Someone, audit_key  # noqa: F401 - fixtures
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from hoso.audit import chain, keys, services
from hoso.audit.models import (
    AlertKind,
    AuditAction,
    AuditCheckpoint,
    AuditEvent,
    AuditOutcome,
)
from hoso.audit.verify import chain_verify

pytestmark = pytest.mark.django_db

CLERK = Someone(pk=7, username="nhaplieu")


def record(**overrides):
    fields = {
        "actor": CLERK,
        "action": AuditAction.DOSSIER_READ_ALLOWED,
        "outcome": AuditOutcome.ALLOW,
        "actor_role": "clerk",
        "actor_unit": "T01.STC",
        "personal_id": "001085000001",
        "sections": ["identity", "salary"],
        "purpose": "Xét nâng lương",
        "grant_id": 12,
        "client_address": "10.0.0.5",
        "correlation_id": "req-1",
        "detail": {"page": 1},
    }
    fields.update(overrides)
    return services.event_record(**fields)


def test_an_event_stores_who_what_whom_why_and_links_to_its_predecessor() -> None:
    first = record()
    second = record(action=AuditAction.SEARCH, personal_id="", sections=[])
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(seq=1)
    assert stored.actor_user_id == 7
    assert stored.actor_username == "nhaplieu"
    assert stored.actor_role == "clerk"
    assert stored.actor_unit == "T01.STC"
    assert stored.personal_id == "001085000001"
    assert stored.sections == ["identity", "salary"]
    assert stored.grant_id == "12"
    assert stored.occurred_at.tzinfo is not None
    assert stored.occurred_at.utcoffset() == dt.timedelta(0)


def test_the_hash_is_sha256_of_the_rfc8785_form_of_content_and_prev_hash() -> None:
    event = record()
    document = {
        "format": "hoso.audit.event/1",
        "seq": 1,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_user_id": 7,
        "actor_username": "nhaplieu",
        "actor_role": "clerk",
        "actor_unit": "T01.STC",
        "action": "dossier_read_allowed",
        "outcome": "allow",
        "personal_id": "001085000001",
        "sections": ["identity", "salary"],
        "purpose": "Xét nâng lương",
        "grant_id": "12",
        "client_address": "10.0.0.5",
        "correlation_id": "req-1",
        "detail": {"page": 1},
        "prev_hash": chain.GENESIS,
    }
    assert event.hash == hashlib.sha256(rfc8785.dumps(document)).hexdigest()


def test_every_stored_field_except_the_id_is_covered_by_the_hash() -> None:
    stored = {f.name for f in AuditEvent._meta.get_fields()} - {"id"}
    assert stored == {"seq", "prev_hash", "hash", *chain.CONTENT_FIELDS}


def test_the_audit_tables_have_no_foreign_keys() -> None:
    for model in (AuditEvent, AuditCheckpoint):
        assert not [f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey)]


def test_a_system_event_has_no_actor() -> None:
    event = services.event_record(actor=None, action=AuditAction.SYSTEM, outcome="ok")
    assert (event.actor_user_id, event.actor_username) == (None, "")


def test_a_failed_login_names_the_claimed_username_sanitized() -> None:
    event = services.event_record(
        actor=AnonymousUser(),
        action=AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.DENY,
        actor_username="quantri\u202e\r\nlogin ok",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_user_id is None
    assert stored.actor_username == "quantri<U+202E><U+000D><U+000A>login ok"


def test_every_text_field_is_sanitized_before_storage() -> None:
    spoof = "a\u202eb\nc"
    safe = "a<U+202E>b<U+000A>c"
    event = record(
        actor_role=spoof,
        actor_unit=spoof,
        personal_id=spoof,
        sections=[spoof],
        purpose=spoof,
        grant_id=spoof,
        client_address=spoof,
        correlation_id=spoof,
        detail={spoof: spoof},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    for name in ("actor_role", "actor_unit", "personal_id", "purpose", "grant_id"):
        assert getattr(stored, name) == safe, name
    assert stored.client_address == safe
    assert stored.correlation_id == safe
    assert stored.sections == [safe]
    assert stored.detail == {safe: safe}
    assert chain_verify().ok


def test_unknown_actions_and_outcomes_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="action"):
        record(action="dossier_peek")
    with pytest.raises(ValueError, match="outcome"):
        record(outcome="maybe")
    with pytest.raises(TypeError):
        record(sections="identity")
    assert not AuditEvent.objects.exists()


def test_the_event_is_written_in_the_callers_transaction() -> None:
    record()
    with pytest.raises(RuntimeError), transaction.atomic():
        record()
        raise RuntimeError("the audited change failed")
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1]
    assert record().seq == 2  # no hole left by the rolled-back event
    assert chain_verify().ok


def test_a_checkpoint_signs_the_head_of_the_chain() -> None:
    for _ in range(3):
        record()
    checkpoint, created = services.checkpoint_create(acting_user=None)
    assert created
    assert (checkpoint.seq, checkpoint.event_count) == (1, 3)
    assert checkpoint.last_hash == AuditEvent.objects.get(seq=3).hash
    public = keys.private_key().public_key()
    assert checkpoint.public_key_fingerprint == keys.fingerprint(public)
    message = chain.checkpoint_message(
        seq=1,
        event_count=3,
        last_hash=checkpoint.last_hash,
        created_at=checkpoint.created_at,
        fingerprint=checkpoint.public_key_fingerprint,
    )
    assert keys.signature_valid(public, message, checkpoint.signature)


def test_sealing_twice_without_new_events_writes_nothing() -> None:
    record()
    first, _ = services.checkpoint_create()
    again, created = services.checkpoint_create()
    assert not created and again.pk == first.pk
    record()
    third, created = services.checkpoint_create()
    assert created and (third.seq, third.event_count) == (2, 2)


def test_an_empty_chain_can_be_sealed() -> None:
    checkpoint, created = services.checkpoint_create()
    assert created and checkpoint.event_count == 0 and checkpoint.last_hash == chain.GENESIS
    assert chain_verify().ok


def test_correlation_ids_are_fresh() -> None:
    assert services.correlation_new() != services.correlation_new()


def test_an_alert_is_raised_about_the_event_passed_not_the_latest_one():
    trigger = record()
    record(actor=Someone(pk=8, username="khac"))  # a later event, of someone else
    alert = services.alert_raise(kind=AlertKind.FIXITY, event=trigger, message="x" * 400)
    assert (alert.first_seq, alert.last_seq, alert.count) == (trigger.seq, trigger.seq, 1)
    assert (alert.actor_id, alert.actor_username) == (7, "nhaplieu")
    assert alert.raised_at == trigger.occurred_at
    assert len(alert.message) == 300


def test_an_alert_covers_the_run_of_events_it_is_given():
    first, second = record(), record()
    alert = services.alert_raise(
        kind=AlertKind.MASS_READING, event=second, events=[first, second], message="m"
    )
    assert (alert.first_seq, alert.last_seq, alert.count) == (first.seq, second.seq, 2)


def test_an_unknown_alert_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        services.alert_raise(kind="nope", event=record(), message="m")
