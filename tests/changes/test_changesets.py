"""Every change proposed, approved by another person, versioned (R-EQUIV, R-CORRECT)."""

import json
import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from conftest import dossier, employee_account
from hoso.changes.models import ChangeSet, ChangeStatus, DossierVersion
from hoso.changes.selectors import changesets as changeset_selectors
from hoso.changes.selectors import versions as selectors
from hoso.changes.services.changesets import (
    changeset_approve,
    changeset_propose,
    changeset_reject,
    current_data,
)
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.models import Person, Training

NEW_TRAINING = {
    "kind": "fostering",
    "institution": "Học viện Hành chính Quốc gia",
    "field_of_study": "Quản lý nhà nước",
    "from_date": "2024-03-01",
    "to_date": "2024-05-30",
    "mode": "short_course",
    "diploma": "Chứng chỉ",
}


def propose(personas, person, ops=None, who="nhaplieu", **kw):
    return changeset_propose(
        acting_user=personas[who],
        personal_id=person.personal_id,
        operations=ops or [{"op": "add", "section": "training", "row": NEW_TRAINING}],
        source_kind=kw.pop("source_kind", "paper"),
        paper_confirmed_on=kw.pop("paper_confirmed_on", date(2026, 11, 2)),
        **kw,
    )


def test_a_proposal_changes_nothing_until_another_person_approves(personas, make_dossier):
    person = make_dossier()
    proposal = propose(personas, person)
    assert Training.objects.filter(person=person).count() == 1
    changes = changeset_selectors.proposal_diff(proposal, selectors_current(person))
    assert {(c.section, c.row, c.field) for c in changes} >= {("training", 1, "institution")}
    version = changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    assert Training.objects.filter(person=person).count() == 2
    assert version.number == 2  # version 1 keeps the dossier as it was before
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewer, proposal.resulting_version) == (
        ChangeStatus.APPLIED,
        personas["quanly"],
        2,
    )


def selectors_current(person):
    return current_data(person.personal_id, acting_user=None)


def test_every_version_is_kept_and_any_two_compare(personas, make_dossier):
    person = make_dossier()
    changeset_approve(acting_user=personas["quanly"], changeset_id=propose(personas, person).pk)
    second = propose(
        personas,
        person,
        [{"op": "set", "section": "identity", "values": {"current_residence": "Số 9 Tràng Tiền"}}],
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=second.pk)
    assert [v.number for v in selectors.versions(person.personal_id)] == [1, 2, 3]
    first = selectors.version_data(selectors.versions(person.personal_id).first())
    assert first["identity"]["current_residence"] == "Số 5 phố Hàng Bài, Hà Nội"
    changed = selectors.versions_compare(person.personal_id, 1, 3)
    assert {(c.section, c.field) for c in changed} == {("training", f) for f in NEW_TRAINING} | {
        ("identity", "current_residence")
    }
    assert selectors.version_as_of(person.personal_id, date(2000, 1, 1)) is None
    latest = selectors.version_as_of(person.personal_id, date.today() + timedelta(days=1))
    assert latest.number == 3


def test_versions_hold_no_plaintext_and_verify_by_hash(personas, make_dossier):
    import hashlib

    import rfc8785

    person = make_dossier()
    version = changeset_approve(
        acting_user=personas["quanly"], changeset_id=propose(personas, person).pk
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM changes_dossierversion WHERE id = %s", [version.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("e1.") and "Hàng Bài" not in stored
    data = selectors.version_data(version)
    assert hashlib.sha256(rfc8785.dumps(data)).hexdigest() == version.sha256


def test_the_proposer_cannot_approve_and_a_clerk_cannot_approve(personas, make_dossier):
    person = make_dossier()
    proposal = propose(personas, person, who="quanly")
    with pytest.raises(ValidationFailed, match="tự phê duyệt"):
        changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    other = propose(personas, person)
    with pytest.raises(ValidationFailed, match="quản lý hồ sơ"):
        changeset_approve(acting_user=personas["lanhdao"], changeset_id=other.pk)
    assert Training.objects.filter(person=person).count() == 1


def test_only_assigned_duties_may_propose(personas, make_dossier):
    person = make_dossier(unit="T01.XA")  # outside the clerk's department
    # Who may not open the dossier is told nothing of it: the same 404 as for a missing one.
    with pytest.raises(NotFound):
        propose(personas, person)
    with pytest.raises(NotFound):
        propose(personas, person, who="ngoai")
    # A reader of it without the duty to write (the leader) is told why.
    with pytest.raises(ValidationFailed, match="không được giao"):
        propose(personas, person, who="lanhdao")
    assert not ChangeSet.objects.exists()


def test_an_invalid_result_is_refused_before_anything_is_saved(personas, make_dossier):
    person = make_dossier()
    bad = {**NEW_TRAINING, "to_date": "2020-01-01"}
    with pytest.raises(ValidationFailed) as caught:
        propose(personas, person, [{"op": "add", "section": "training", "row": bad}])
    assert caught.value.problems[0].code == "period_reversed"
    with pytest.raises(ValidationFailed, match="tương lai"):
        propose(personas, person, paper_confirmed_on=date.today() + timedelta(days=3))
    with pytest.raises(ValidationFailed, match="dòng số 7"):
        propose(personas, person, [{"op": "correct", "section": "training", "index": 7, "row": {}}])
    assert not ChangeSet.objects.exists()


def test_a_change_set_made_on_an_older_version_is_refused_with_what_changed(personas, make_dossier):
    person = make_dossier()
    first = propose(personas, person)
    second = propose(
        personas, person, [{"op": "set", "section": "identity", "values": {"phone": "0987654321"}}]
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=first.pk)
    with pytest.raises(ValidationFailed) as caught:
        changeset_approve(acting_user=personas["quanly"], changeset_id=second.pk)
    assert "training.institution" in caught.value.problems[0].message
    assert Person.objects.get(pk=person.pk).phone == "0912345678"


def test_a_rejected_change_set_needs_a_reason_and_is_final(personas, make_dossier):
    person = make_dossier()
    proposal = propose(personas, person)
    with pytest.raises(ValidationFailed, match="lý do"):
        changeset_reject(acting_user=personas["quanly"], changeset_id=proposal.pk, reason=" ")
    changeset_reject(
        acting_user=personas["quanly"], changeset_id=proposal.pk, reason="Không khớp hồ sơ giấy"
    )
    with pytest.raises(ValidationFailed, match="đã được xử lý"):
        changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)


def test_a_new_dossier_is_created_through_a_change_set(personas, orgs):
    data = dossier(full_name="Hoàng Thị Mai", sex="F")
    pid = data["identity"]["personal_id"]
    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=pid,
        operations=[{"op": "create", "data": data}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 2),
    )
    assert not Person.objects.filter(personal_id=pid).exists()
    version = changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    assert version.number == 1 and Person.objects.get(personal_id=pid).full_name == "Hoàng Thị Mai"


def test_the_employee_proposes_corrections_to_their_own_dossier(personas, make_dossier):

    person = make_dossier()
    me = employee_account(person, "toi")
    proposal = changeset_propose(
        acting_user=me,
        personal_id=person.personal_id,
        source_kind="self",
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0901112223"}}],
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    assert Person.objects.get(pk=person.pk).phone == "0901112223"


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_apply_exactly_once(orgs_committed, personas_committed):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race is a PostgreSQL matter")
    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create
    from hoso.people.services import dossier_create

    person = dossier_create(acting_user=None, data=dossier())
    second = user_create(acting_user=None, username="quanly2", password="x" * 14, full_name="QL2")
    role_assign(
        acting_user=None,
        user=second,
        role=Role.RECORDS_MANAGER,
        organization=orgs_committed["province"],
        valid_from=date(2025, 7, 1),
    )
    proposal = propose(personas_committed, person)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def approve(user):
        barrier.wait()
        try:
            changeset_approve(acting_user=user, changeset_id=proposal.pk)
            results.append("applied")
        except ValidationFailed as exc:
            results.append(exc.problems[0].code if exc.problems else exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(u,)) for u in (personas_committed["quanly"], second)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already_decided", "applied"]
    assert DossierVersion.objects.filter(personal_id=person.personal_id).count() == 2
    assert json.loads(ChangeSet.objects.get(pk=proposal.pk).operations)


def test_the_reviewer_sees_the_proposal_from_their_own_decision_masked_alike(
    personas, make_dossier
):
    """`changeset_diff` builds both sides from the reader's `DossierAccess`: a field above
    their ceiling is a change without values on either side, and no system read is made."""
    from hoso.access.policies import dossier_access
    from hoso.audit.models import AuditAction, AuditEvent

    person = make_dossier()
    values = {"phone": "0987654321", "current_residence": "Số 9 Tràng Tiền"}
    proposal = propose(personas, person, [{"op": "set", "section": "identity", "values": values}])
    system_reads = AuditEvent.objects.filter(action=AuditAction.DOSSIER_SYSTEM_READ).count()
    leader = dossier_access(personas["lanhdao"], person.personal_id, purpose="changeset_review")
    assert not leader.can_see("identity.phone") and leader.can_see("identity.current_residence")
    changes = {c.field: c for c in changeset_selectors.changeset_diff(leader, proposal)}
    assert (changes["phone"].before, changes["phone"].after) == (None, None)
    assert changes["current_residence"].after == "Số 9 Tràng Tiền"
    manager = dossier_access(personas["quanly"], person.personal_id, purpose="changeset_review")
    full = {c.field: c for c in changeset_selectors.changeset_diff(manager, proposal)}
    assert full["phone"].after == "0987654321" and full["phone"].before
    assert AuditEvent.objects.filter(action=AuditAction.DOSSIER_SYSTEM_READ).count() == (
        system_reads
    )
