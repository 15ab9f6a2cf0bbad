"""GET /api/v1/handovers: the receiving node's hand-over inbox through the API (R-NO-SILO;
issue 14 item 3; docs/howto/handover.md step 3). Records managers only, as the page «Tiếp nhận
bàn giao» and its accept: anyone else gets the 404 of a missing page, audited; the listing is
audited with the personal ids it shows; filters by state and sending node."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from tests.federation.test_transfer_decision import inbox_at_b  # noqa: F401 (a fixture)

from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.changes.models import ChangeSet
from hoso.changes.services.changesets import changeset_propose
from hoso.federation.models import Handover, HandoverRole, HandoverState

URL = "/api/v1/handovers"


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=user)}")


def _events(code: str, outcome: str):
    return AuditEvent.objects.filter(
        action=AuditAction.HANDOVER, outcome=outcome, detail__code=code
    ).order_by("seq")


@pytest.fixture
def received(personas, make_dossier):
    """A hand-over accepted earlier from another node, its proposal waiting for approval."""
    person = make_dossier(unit="T01.STC", full_name="Hoàng Văn Đến")
    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0911222333"}}],
        source_kind="decision",
        source_note="Quyết định 9/QĐ",
    )
    return Handover.objects.create(
        handover_id=uuid.uuid4().hex,
        role=HandoverRole.RECEIVED,
        personal_id=person.personal_id,
        from_node="tinh-c",
        to_node="tinh-b",
        state=HandoverState.ACCEPTED,
        changeset_id=proposal.pk,
    )


def test_a_records_manager_lists_waiting_and_recent_hand_overs_audited(
    inbox_at_b,  # noqa: F811
    received,
    personas,
):
    hid, pid = inbox_at_b
    answer = _api(personas["quanly"]).get(URL)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    [waiting] = body["waiting"]
    assert waiting["handover_id"] == hid and waiting["personal_id"] == pid
    assert waiting["from_node"] == "tinh-a" and waiting["from_agency"] == "Sở Nội vụ tỉnh A"
    assert waiting["state"] == "waiting" and waiting["state_label"] == "Chờ tiếp nhận"
    [recent] = body["recent"]
    assert recent["handover_id"] == received.handover_id
    assert recent["state"] == "accepted" and recent["state_label"] == "Đã tiếp nhận"
    assert recent["changeset_id"] == received.changeset_id
    assert recent["changeset_status"] == "proposed"
    assert recent["changeset_status_label"] == "Chờ phê duyệt"
    event = _events("handover_inbox_listed", AuditOutcome.OK).get()
    assert event.actor_user_id == personas["quanly"].pk
    assert set(event.detail["personal_ids"]) == {pid, received.personal_id}
    assert event.detail["waiting"] == 1 and event.detail["recent"] == 1


def test_the_inbox_filters_by_state_and_sending_node(inbox_at_b, received, personas):  # noqa: F811
    hid, _pid = inbox_at_b
    client = _api(personas["quanly"])

    def ids(query: str) -> tuple[list[str], list[str]]:
        answer = client.get(f"{URL}?{query}")
        assert answer.status_code == 200, (query, answer.content)
        body = answer.json()
        return [w["handover_id"] for w in body["waiting"]], [
            r["handover_id"] for r in body["recent"]
        ]

    assert ids("state=waiting") == ([hid], [])
    assert ids("state=accepted") == ([], [received.handover_id])
    assert ids("from_node=tinh-a") == ([hid], [])
    assert ids("from_node=tinh-c") == ([], [received.handover_id])
    assert ids("recent=0") == ([hid], [])
    assert client.get(f"{URL}?state=moved").status_code == 422  # not a state of the inbox
    assert client.get(f"{URL}?recent=101").status_code == 422
    # Once accepted, a package is no longer waiting (its id has a received row).
    Handover.objects.create(
        handover_id=hid,
        role=HandoverRole.RECEIVED,
        personal_id=_pid,
        from_node="tinh-a",
        to_node="tinh-b",
        state=HandoverState.ACCEPTED,
    )
    waiting, recent = ids("")
    assert waiting == [] and recent[0] == hid


@pytest.mark.parametrize("persona", ["nhaplieu", "lanhdao", "thanhtra", "quantri", "ngoai"])
def test_anyone_else_gets_the_404_of_a_missing_page_audited(
    inbox_at_b,  # noqa: F811
    personas,
    persona,
):
    hid, pid = inbox_at_b
    user = personas[persona]
    client = _api(user)
    answer = client.get(URL)
    assert answer.status_code == 404
    assert hid not in answer.content.decode() and pid not in answer.content.decode()
    denied = _events("handover_inbox_denied", AuditOutcome.DENY).get()
    assert denied.actor_user_id == user.pk and denied.detail["what"] == "list"
    assert not _events("handover_inbox_listed", AuditOutcome.OK).exists()
    # Accepting from the inbox is behind the same rule: nothing is written.
    before = (ChangeSet.objects.count(), Handover.objects.count())
    accept = client.post(
        f"{URL}/{hid}/accept", {"unit": "T01.STC"}, content_type="application/json"
    )
    assert accept.status_code == 404
    assert (ChangeSet.objects.count(), Handover.objects.count()) == before
    assert _events("handover_inbox_denied", AuditOutcome.DENY).last().detail["what"] == "accept"


def test_without_a_login_the_inbox_is_401(db):
    assert Client().get(URL).status_code == 401
