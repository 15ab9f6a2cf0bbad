"""Drafts, the stale form and one dossier per id (R-10D-CREATE, R-EQUIV, R-CLEAN; issue 10).

A draft is its author's only: never in the reviewers' lists, never decided, checked whole
only when submitted; submitting it is proposing it, and only then the deadline obligation
opens. A form built on an older version of the dossier is refused with what changed.
"""

import json
from datetime import date

import pytest
from django.db import connection

from conftest import dossier
from hoso.changes.models import ChangeSet, ChangeStatus, Obligation
from hoso.changes.selectors import changesets as selectors
from hoso.changes.selectors import records
from hoso.changes.selectors.versions import current_version_number
from hoso.changes.services.changesets import (
    changeset_approve,
    changeset_draft_discard,
    changeset_draft_rebase,
    changeset_draft_save,
    changeset_draft_submit,
    changeset_propose,
    changeset_reject,
)
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.models import Person
from hoso.web.presenters.work import pending_in_scope

PAPER = date(2026, 11, 2)


def _new(**kw):
    data = dossier(full_name="Hoàng Thị Mai", sex="F", **kw)
    return data, data["identity"]["personal_id"]


def _half(data):
    """What a clerk has typed after the first step: identity only."""
    return {"identity": dict(data["identity"])}


def save(user, pid, ops, **kw):
    return changeset_draft_save(
        acting_user=user,
        personal_id=pid,
        operations=ops,
        source_kind=kw.pop("source_kind", "paper"),
        paper_confirmed_on=kw.pop("paper_confirmed_on", PAPER),
        **kw,
    )


def test_a_draft_is_saved_half_filled_and_submitted_whole(personas, orgs):
    data, pid = _new()
    clerk = personas["nhaplieu"]
    draft = save(clerk, pid, [{"op": "create", "data": _half(data)}])
    assert draft.status == ChangeStatus.DRAFT and draft.creates_dossier
    # Not a proposal yet: no reviewer sees it, no deadline runs, nothing is decided on it.
    assert not pending_in_scope(personas["quanly"]).filter(pk=draft.pk).exists()
    assert not selectors.pending().filter(pk=draft.pk).exists()
    assert not Obligation.objects.filter(changeset=draft).exists()
    with pytest.raises(NotFound):
        records.changeset_for(personas["quanly"], draft.pk)
    with pytest.raises((NotFound, ValidationFailed)):
        changeset_approve(acting_user=personas["quanly"], changeset_id=draft.pk)
    with pytest.raises((NotFound, ValidationFailed)):
        changeset_reject(acting_user=personas["quanly"], changeset_id=draft.pk, reason="x")
    # Submitted half filled, it is refused with what is missing and stays a draft.
    with pytest.raises(ValidationFailed) as caught:
        changeset_draft_submit(acting_user=clerk, draft_id=draft.pk)
    assert "employment.current_unit" in {p.field for p in caught.value.problems}
    assert ChangeSet.objects.get(pk=draft.pk).status == ChangeStatus.DRAFT
    # Completed and submitted: a proposal, the obligation opens, the reviewer approves.
    save(clerk, pid, [{"op": "create", "data": data}], draft_id=draft.pk)
    proposal = changeset_draft_submit(acting_user=clerk, draft_id=draft.pk)
    assert proposal.pk == draft.pk and proposal.status == ChangeStatus.PROPOSED
    obligation = Obligation.objects.get(changeset=proposal)
    assert obligation.start_date == PAPER and obligation.done_at is None
    assert pending_in_scope(personas["quanly"]).filter(pk=draft.pk).exists()
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    assert Person.objects.get(personal_id=pid).full_name == "Hoàng Thị Mai"
    obligation.refresh_from_db()
    assert obligation.done_at is not None


def test_a_draft_is_its_authors_only(personas, orgs):
    data, pid = _new()
    draft = save(personas["nhaplieu"], pid, [{"op": "create", "data": _half(data)}])
    other = personas["quanly"]
    for call in (
        lambda: changeset_draft_submit(acting_user=other, draft_id=draft.pk),
        lambda: changeset_draft_discard(acting_user=other, draft_id=draft.pk),
        lambda: changeset_draft_rebase(acting_user=other, draft_id=draft.pk),
        lambda: save(other, pid, [{"op": "create", "data": data}], draft_id=draft.pk),
    ):
        with pytest.raises(NotFound):
            call()
    assert selectors.draft_get(other, draft.pk) is None
    assert list(selectors.drafts_of(personas["nhaplieu"])) == [draft]
    changeset_draft_discard(acting_user=personas["nhaplieu"], draft_id=draft.pk)
    assert not ChangeSet.objects.filter(pk=draft.pk).exists()


def test_draft_operations_are_encrypted(personas, orgs):
    data, pid = _new()
    draft = save(personas["nhaplieu"], pid, [{"op": "create", "data": data}])
    with connection.cursor() as cursor:
        cursor.execute("SELECT operations FROM changes_changeset WHERE id = %s", [draft.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("e1.") and "Hoàng Thị Mai" not in stored


def test_an_id_with_a_dossier_is_refused_saying_only_that(personas, make_dossier):
    person = make_dossier(unit="T01.XA")  # a dossier the clerk may not open
    data = dossier()
    data["identity"]["personal_id"] = person.personal_id
    for call in (
        lambda: save(personas["nhaplieu"], person.personal_id, [{"op": "create", "data": data}]),
        lambda: changeset_propose(
            acting_user=personas["nhaplieu"],
            personal_id=person.personal_id,
            operations=[{"op": "create", "data": data}],
            source_kind="paper",
            paper_confirmed_on=PAPER,
        ),
    ):
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert [(p.code, p.message) for p in caught.value.problems] == [
            ("dossier_exists", "Số định danh này đã có hồ sơ trên hệ thống.")
        ]
    assert not ChangeSet.objects.exists()


def test_a_second_creation_of_the_same_id_waits_for_the_first(personas, orgs):
    data, pid = _new()
    changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=pid,
        operations=[{"op": "create", "data": data}],
        source_kind="paper",
        paper_confirmed_on=PAPER,
    )
    with pytest.raises(ValidationFailed, match="đang có đề xuất tạo hồ sơ"):
        save(personas["quanly"], pid, [{"op": "create", "data": data}])


def _approved_change(personas, person, values):
    proposal = changeset_propose(
        acting_user=personas["quanly"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": values}],
        source_kind="paper",
        paper_confirmed_on=PAPER,
    )
    changeset_approve(acting_user=personas["lanhdao_rm"], changeset_id=proposal.pk)


@pytest.fixture
def second_manager(personas, orgs):
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create

    user = user_create(acting_user=None, username="quanly2", password="x" * 14, full_name="QL2")
    role_assign(
        acting_user=None,
        user=user,
        role=Role.RECORDS_MANAGER,
        organization=orgs["province"],
        valid_from=date(2025, 7, 1),
    )
    return {**personas, "lanhdao_rm": user}


def test_a_stale_form_is_refused_with_what_changed(second_manager, make_dossier):
    personas = second_manager
    person = make_dossier()
    pid = person.personal_id
    base = current_version_number(pid)
    draft = save(
        personas["nhaplieu"],
        pid,
        [{"op": "set", "section": "identity", "values": {"current_residence": "Số 1 Lê Lợi"}}],
        base_version=base,
    )
    # Meanwhile another change is approved.
    _approved_change(personas, person, {"phone": "0987654321"})
    with pytest.raises(ValidationFailed) as caught:
        changeset_draft_submit(acting_user=personas["nhaplieu"], draft_id=draft.pk)
    assert "sau khi bạn mở biểu mẫu" in caught.value.message
    assert [(p.code, p.field) for p in caught.value.problems] == [("stale_form", "identity.phone")]
    assert "Số điện thoại" in caught.value.problems[0].message
    assert ChangeSet.objects.get(pk=draft.pk).status == ChangeStatus.DRAFT
    # Saving the section again on the old version is refused alike, the draft as it was.
    with pytest.raises(ValidationFailed, match="sau khi bạn mở"):
        save(
            personas["nhaplieu"],
            pid,
            [{"op": "set", "section": "identity", "values": {"current_residence": "Số 2"}}],
            base_version=base,
            draft_id=draft.pk,
        )
    kept = json.loads(ChangeSet.objects.get(pk=draft.pk).operations)
    assert kept[0]["values"]["current_residence"] == "Số 1 Lê Lợi"
    # A proposal stating its base version is refused alike.
    with pytest.raises(ValidationFailed, match="sau khi bạn mở"):
        changeset_propose(
            acting_user=personas["nhaplieu"],
            personal_id=pid,
            operations=[{"op": "set", "section": "identity", "values": {"email": "a@b.vn"}}],
            source_kind="paper",
            paper_confirmed_on=PAPER,
            base_version=base,
        )
    # Having seen what changed, the author carries the draft over and submits it.
    changeset_draft_rebase(acting_user=personas["nhaplieu"], draft_id=draft.pk)
    proposal = changeset_draft_submit(acting_user=personas["nhaplieu"], draft_id=draft.pk)
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    person.refresh_from_db()
    assert (person.phone, person.current_residence) == ("0987654321", "Số 1 Lê Lợi")


def test_a_draft_refuses_operations_that_do_not_apply(personas, make_dossier):
    person = make_dossier()
    with pytest.raises(ValidationFailed, match="Không có dòng số 7"):
        save(
            personas["nhaplieu"],
            person.personal_id,
            [{"op": "correct", "section": "training", "index": 7, "row": {"institution": "X"}}],
        )
    with pytest.raises(ValidationFailed, match="tương lai"):
        save(
            personas["nhaplieu"],
            person.personal_id,
            [{"op": "set", "section": "identity", "values": {"phone": "1"}}],
            paper_confirmed_on=date(2999, 1, 1),
        )
    assert not ChangeSet.objects.exists()


def test_who_may_not_open_the_dossier_cannot_draft_on_it(personas, make_dossier):
    person = make_dossier(unit="T01.XA")
    with pytest.raises(NotFound):
        save(
            personas["nhaplieu"],
            person.personal_id,
            [{"op": "set", "section": "identity", "values": {"phone": "0911111111"}}],
        )
    data, pid = _new()
    with pytest.raises(ValidationFailed, match="không được giao"):
        save(personas["lanhdao"], pid, [{"op": "create", "data": data}])
