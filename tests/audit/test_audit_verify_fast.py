"""The fast verification walk (PostgreSQL: ranges in parallel processes, hashed from text;
docs/decisions/0022-audit-sequencer.md) agrees with the ordinary walk: an intact chain passes,
and after tampering it hands over to the ordinary walk, which names the same first bad event."""

from __future__ import annotations

import pytest
from audit_support import Someone, Tamperer, audit_key, audit_purge  # noqa: F401 - fixtures
from django.db import connection

from hoso.audit import services, verify
from hoso.audit.models import AuditAction, AuditOutcome

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the fast walk reads PostgreSQL's text forms"
    ),
    pytest.mark.usefixtures("audit_purge"),
]

DETAILS = [
    {"channel": "api", "basis": ["duty"], "masked": []},
    {"số": 12, "đơn vị": "T37", "nested": {"b": [True, None, -3]}},
    {"\U0001f600 key": "beyond the plane", "\ue000": 1},  # sorted as UTF-16: rfc8785's path
    {"amount": "1.5", "big": str(2**60)},  # the sanitizer's strings
]


def _build(n: int) -> None:
    someone = Someone(pk=4, username="thanhtra")
    for i in range(n):
        services.event_record(
            actor=someone if i % 3 else None,
            action=AuditAction.DOSSIER_READ_ALLOWED,
            outcome=AuditOutcome.ALLOW,
            personal_id=f"0370{i:08d}",
            sections=["identity", "salary"][: i % 3],
            purpose="Thanh tra «đột xuất»\n",
            detail=DETAILS[i % len(DETAILS)],
        )
        if i == 30:
            services.checkpoint_create()


def test_the_fast_walk_passes_an_intact_chain_and_agrees_with_the_ordinary_walk(
    settings,
) -> None:
    _build(61)
    anchors = [verify.CheckpointRecord.of(c) for c in verify.selectors.checkpoint_list()]
    assert verify._fast_walk(61, anchors)
    settings.HOSO_AUDIT_VERIFY_FAST_MIN = 1
    report = verify.chain_verify()
    assert report.ok and report.events == 61


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("UPDATE audit_event SET purpose = 'sửa' WHERE seq = 45", "hash_mismatch"),
        ("DELETE FROM audit_event WHERE seq = 17", "event_missing"),
        ("UPDATE audit_event SET detail = '{\"amount\": 1.5}' WHERE seq = 8", "hash_mismatch"),
    ],
)
def test_after_tampering_the_fast_walk_hands_over_and_the_finding_is_the_same(
    settings, sql: str, code: str
) -> None:
    _build(61)
    Tamperer().execute(sql)
    anchors = [verify.CheckpointRecord.of(c) for c in verify.selectors.checkpoint_list()]
    count = verify.selectors.chain_head()[0]
    assert not verify._fast_walk(count, anchors)
    ordinary = verify.chain_verify()
    settings.HOSO_AUDIT_VERIFY_FAST_MIN = 1
    fast = verify.chain_verify()
    assert [p.as_dict() for p in fast.problems] == [p.as_dict() for p in ordinary.problems]
    assert fast.first_event_problem.code == code
