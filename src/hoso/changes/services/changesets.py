"""Propose → approve (or reject) → apply: the only way dossier content changes (DESIGN.md).

Invariants (each refused with a Vietnamese reason, nothing written):
- a proposal is checked whole against the dossier it was made on: the dossier after it must
  pass `people.validation`; only duties that cover the person may propose (clerk or records
  manager), or the person themself for their own dossier;
- proposing on, approving or rejecting for an existing dossier first passes the write gate
  (`access.policies.dossier_write`): whoever may not open the dossier gets the `NotFound` of
  a missing one, audited, and learns nothing of it (not its rows, nor a change set's state);
- the approver is a records manager whose duty covers the person, and never the proposer;
- a change set is decided once: approval runs under `select_for_update`, so of two approvers
  at the same moment exactly one applies it;
- a change set made on an older version is refused with what changed since — at approval, and
  already at proposal or draft submission when the form says the version it was built on
  (`base_version`: the stale form, refused with the fields changed meanwhile);
- a dossier is created once: a proposal creating one on an id that already has a dossier, or
  a pending proposal creating it, is refused ("đã có hồ sơ trên hệ thống" and nothing more:
  not whether the proposer may open it);
- a draft (`ChangeStatus.DRAFT`) is seen, edited, submitted or discarded by its author only
  (`NotFound` for anyone else, as for a missing one); it is checked whole only when submitted,
  and only then opens the deadline obligation and reaches the reviewers' lists;
- applying appends a `DossierVersion` with the whole dossier and its SHA-256; the live
  tables become that version;
- while a discrepancy with the paper dossier is open, no change set based on the paper
  dossier that touches its sections is approved (`selectors.discrepancies`, R-DISCREPANCY);
- every approval is signed by the approver (`signatures`, R-CORRECT): an approver without a
  usable signing key, or whose fresh signature does not verify against the node's trusted
  roots, cannot approve, and nothing is applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import rfc8785
from django.db import transaction
from django.utils import timezone

from hoso.access import holds, recorder
from hoso.access.models import Role, User
from hoso.access.policies import dossier_write, duty_covers, gate_for, held_refusal_record
from hoso.access.system import system_dossier
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.changes import signatures
from hoso.changes.models import (
    ChangeSet,
    ChangeStatus,
    DossierVersion,
    PersonnelDecision,
    SourceKind,
)
from hoso.changes.operations import apply_operations, diff, touched_sections
from hoso.changes.selectors.changesets import (
    changeset_locked,
    changeset_personal_id,
    creation_pending,
    draft_locked,
    unit_path,
)
from hoso.changes.selectors.discrepancies import freeze_check
from hoso.changes.selectors.versions import current_version_number, version_data, version_get
from hoso.changes.services import signatures as signature_services
from hoso.changes.services.obligations import (
    obligation_open_for_changeset,
    obligations_mark_done_for_changeset,
)
from hoso.core.dates import today as local_today
from hoso.core.errors import DomainError, NotFound, Problem, ValidationFailed
from hoso.federation import client as hub_client
from hoso.federation.services import outbox as federation_outbox
from hoso.federation.services import transfer as federation_transfer
from hoso.people import services as people_services
from hoso.people.reference import load_reference
from hoso.people.sections import BY_KEY, field_label
from hoso.people.selectors import person_by_id, person_locked
from hoso.people.validation import validate_dossier

WRITING_ROLES = {Role.CLERK, Role.RECORDS_MANAGER}


def _fail(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


def current_data(personal_id: str, *, acting_user: User | None) -> dict[str, Any] | None:
    """The whole dossier a change is built on and applied to, or None when there is none yet:
    a system read (`access.system`, audited), made for `acting_user`'s proposal or approval.
    Never shown to anyone: a reviewer sees `selectors.changesets.changeset_diff`."""
    person = person_by_id(personal_id)
    if person is None:
        return None
    return system_dossier(purpose=Purpose.SYSTEM_CHANGE, person=person, acting_user=acting_user)


def _canonical(data: dict[str, Any]) -> bytes:
    return rfc8785.dumps(data)


def _check(result: dict[str, Any], today: date) -> None:
    problems = validate_dossier(result, ref=load_reference(), today=today)
    if problems:
        raise ValidationFailed(problems, "Sau thay đổi, hồ sơ không hợp lệ; chưa lưu gì.")


def _creates(operations: Any) -> bool:
    first = operations[0] if isinstance(operations, list) and operations else None
    return isinstance(first, dict) and first.get("op") == "create"


def _not_assigned() -> ValidationFailed:
    return _fail("not_assigned", "Bạn không được giao cập nhật hồ sơ này.", "personal_id")


def proposal_gate(
    *, acting_user: User, personal_id: str, operations: Any, source_kind: str
) -> None:
    """Who may propose on this dossier, asked before anything is read of it.

    An existing dossier passes the write gate (`policies.dossier_write`: the proposer may open
    it and holds a clerk's or records manager's duty over it, or it is their own and the
    source is "self"); a proposal that does not create a dossier, on an id without one, gets
    the same `NotFound`. A reader without the duty is told `not_assigned`. Only a proposal
    creating a new dossier is decided on the unit it names (in `changeset_propose`).
    """
    if person_by_id(personal_id) is not None:
        roles = WRITING_ROLES | ({Role.EMPLOYEE} if source_kind == SourceKind.SELF else set())
        dossier_write(acting_user, personal_id, Purpose.PROPOSE, roles, refusal=_not_assigned())
    elif not _creates(operations):
        # The same audited NotFound as for a dossier one may not open.
        dossier_write(acting_user, personal_id, Purpose.PROPOSE, WRITING_ROLES)


class _HeldUnderLock(Exception):
    """The hold's refusal found under the change set's lock; carried out of the approval's
    transaction (which rolls back) so that the refusal is audited after it (`_decided`)."""

    def __init__(self, personal_id: str, refusal: DomainError) -> None:
        super().__init__(refusal.message)
        self.personal_id = personal_id
        self.refusal = refusal


def _refuse_if_handed_over(personal_id: str) -> None:
    """A dossier handed over to another agency is a read-only trace here (R-NO-SILO). The write
    gate refused it already (`policies.dossier_write`); asked again under the change set's
    lock for a proposal made before a hand-over that started meanwhile."""
    refusal = holds.refusal(personal_id)
    if refusal is not None:
        raise _HeldUnderLock(personal_id, refusal)


def _decided(acting_user: User, purpose: Purpose, decide: Callable[[], Any]) -> Any:
    """Run an approval or a rejection (its own transaction); a hold found under its lock is
    refused as the gate refuses it — the same stable code and Vietnamese message, audited
    `DOSSIER_WRITE`/`DENY` in a transaction of its own, once nothing of the decision is left."""
    try:
        return decide()
    except _HeldUnderLock as held:
        held_refusal_record(acting_user, held.personal_id, purpose, held.refusal, under_lock=True)
        raise held.refusal from None


def changeset_propose(
    *,
    acting_user: User,
    personal_id: str,
    operations: list[dict[str, Any]],
    source_kind: str,
    paper_confirmed_on: date | None = None,
    source_note: str = "",
    base_version: int | None = None,
    today: date | None = None,
) -> ChangeSet:
    """Propose `operations` on a dossier (or a new one); see the module's invariants.

    The gate (`proposal_gate`) comes first and outside the write's transaction, so that a
    proposal on a dossier the proposer may not open says nothing of it — not whether it
    exists, nor its rows — and the denial stays audited. `base_version`, when given, is the
    version the proposer's form was built on: a dossier approved since is a stale form.
    """
    today = today or local_today()
    _check_source(source_kind, paper_confirmed_on, today)
    _check_new_dossier(personal_id, operations)
    proposal_gate(
        acting_user=acting_user,
        personal_id=personal_id,
        operations=operations,
        source_kind=source_kind,
    )
    return _proposal_recorded(
        acting_user=acting_user,
        personal_id=personal_id,
        operations=operations,
        source_kind=source_kind,
        paper_confirmed_on=paper_confirmed_on,
        source_note=source_note,
        today=today,
        base_version=base_version,
    )


def _check_source(source_kind: str, paper_confirmed_on: date | None, today: date) -> None:
    if source_kind not in SourceKind.values:
        raise _fail("bad_source", "Căn cứ thay đổi không hợp lệ.", "source_kind")
    if source_kind == SourceKind.PAPER and paper_confirmed_on is None:
        raise _fail("paper_date_required", "Cần ngày xác nhận hồ sơ giấy.", "paper_confirmed_on")
    if paper_confirmed_on and paper_confirmed_on > today:
        raise _fail("future_date", "Ngày xác nhận hồ sơ giấy ở tương lai.", "paper_confirmed_on")


def dossier_exists_refusal() -> ValidationFailed:
    return _fail("dossier_exists", "Số định danh này đã có hồ sơ trên hệ thống.", "personal_id")


def _check_new_dossier(personal_id: str, operations: Any, *, draft_id: int | None = None) -> None:
    """A proposal creating a dossier names an id with none, nor a pending creation. Said
    before the gate and alike for every dossier: that it exists, nothing more."""
    if not _creates(operations):
        return
    if person_by_id(personal_id) is not None:
        raise dossier_exists_refusal()
    if creation_pending(personal_id, exclude=draft_id):
        raise _fail(
            "creation_pending",
            "Số định danh này đang có đề xuất tạo hồ sơ chờ phê duyệt.",
            "personal_id",
        )
    hub_client.creation_check(personal_id)  # managed by another agency (R-NO-SILO)?


def creation_refusal(personal_id: str) -> ValidationFailed | None:
    """Why a dossier may not be created on `personal_id` (it has one, or one awaits review),
    or None: the entry page's first check, said alike for every dossier."""
    try:
        _check_new_dossier(personal_id, [{"op": "create"}])
    except ValidationFailed as refusal:
        return refusal
    return None


def stale_refusal(personal_id: str, base_version: int) -> ValidationFailed | None:
    """The stale form: `None` when the dossier is still at `base_version`, else the refusal
    naming each field changed since (section, row, field — never a value: the page shows the
    values through the gate)."""
    current = current_version_number(personal_id)
    if current == base_version:
        return None
    base = version_get(personal_id, base_version or 1)
    latest = version_get(personal_id, current)
    changed = diff(version_data(base) if base else None, version_data(latest) if latest else {})
    problems = [
        Problem(
            "stale_form",
            f"{BY_KEY[c.section].title} – {field_label(BY_KEY[c.section], c.field)}"
            + (f" (dòng {c.row + 1})" if c.row is not None else "")
            + ": đã được cập nhật.",
            f"{c.section}[{c.row}].{c.field}" if c.row is not None else f"{c.section}.{c.field}",
        )
        for c in changed
    ] or [Problem("stale_form", "Hồ sơ đã có phiên bản mới.", "base_version")]
    return ValidationFailed(
        problems,
        f"Hồ sơ đã được phê duyệt thay đổi (phiên bản {current}) sau khi bạn mở biểu mẫu "
        f"(phiên bản {base_version}); chưa lưu gì, để không ghi đè lên thay đổi đó.",
    )


@transaction.atomic
def _proposal_recorded(
    *,
    acting_user: User,
    personal_id: str,
    operations: list[dict[str, Any]],
    source_kind: str,
    paper_confirmed_on: date | None,
    source_note: str,
    today: date,
    base_version: int | None = None,
    draft: ChangeSet | None = None,
) -> ChangeSet:
    if person_by_id(personal_id) is not None:
        person_locked(personal_id)  # the version compared is the one written on
    if base_version is not None and (stale := stale_refusal(personal_id, base_version)):
        raise stale
    before = current_data(personal_id, acting_user=acting_user)
    result = apply_operations(before, operations)
    if str((result.get("identity") or {}).get("personal_id")) != personal_id:
        raise _fail("personal_id_mismatch", "Số định danh của hồ sơ không khớp.", "personal_id")
    if before is None:  # a new dossier: what is missing is said first, it tells nothing
        _check(result, today)
    own = getattr(acting_user, "personal_id", "") == personal_id and source_kind == SourceKind.SELF
    if not own and not duty_covers(acting_user, WRITING_ROLES, unit_path(personal_id, result)):
        raise _not_assigned()
    _check(result, today)
    values = {
        "personal_id": personal_id,
        "creates_dossier": before is None,
        "operations": json.dumps(operations, ensure_ascii=False, default=str),
        "sections": touched_sections(operations),
        "source_kind": source_kind,
        "paper_confirmed_on": paper_confirmed_on,
        "source_note": source_note,
        "base_version": current_version_number(personal_id),
        "proposer": acting_user,
        "status": ChangeStatus.PROPOSED,
    }
    if draft is None:
        changeset = ChangeSet.objects.create(**values)
    else:  # the draft becomes the proposal: same id, proposed now
        for name, value in values.items():
            setattr(draft, name, value)
        draft.proposed_at = timezone.now()
        draft.save()
        changeset = draft
    # A new dossier from a confirmed paper dossier must be entered within the policy's days.
    obligation_open_for_changeset(acting_user=acting_user, changeset=changeset)
    recorder.record(
        user=acting_user,
        action=AuditAction.CHANGESET,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        sections=changeset.sections,
        purpose=Purpose.PROPOSE,
        detail={"changeset": changeset.pk, "source": source_kind},
    )
    return changeset


def _not_reviewer() -> ValidationFailed:
    return _fail("not_records_manager", "Chỉ cán bộ quản lý hồ sơ phụ trách mới phê duyệt.")


def review_gate(*, acting_user: User, changeset_id: int, purpose: Purpose) -> None:
    """Who may decide on a change set, asked before anything is told of it: `NotFound` alike
    for a missing change set and one on a dossier the reviewer may not open (the write gate,
    `policies.dossier_write`, audited); a reader who is not its records manager is told
    `not_records_manager`. A change set creating a dossier is decided on the unit it names
    (`_locked_proposal`)."""
    personal_id = changeset_personal_id(changeset_id)
    if personal_id is None:
        raise NotFound()
    if person_by_id(personal_id) is not None:
        dossier_write(
            acting_user, personal_id, purpose, {Role.RECORDS_MANAGER}, refusal=_not_reviewer()
        )


def _locked_proposal(acting_user: User, changeset_id: int) -> ChangeSet:
    changeset = changeset_locked(changeset_id)
    if changeset is None:
        raise _fail("unknown_changeset", "Không có đề xuất thay đổi này.")
    if changeset.status != ChangeStatus.PROPOSED:
        raise _fail(
            "already_decided",
            f"Đề xuất này đã được xử lý ({changeset.get_status_display().lower()}).",
        )
    if changeset.proposer_id == acting_user.pk:
        raise _fail("self_approval", "Người đề xuất không được tự phê duyệt.")
    _refuse_if_handed_over(changeset.personal_id)  # proposed before the hand-over
    data = json.loads(changeset.operations)
    created = (
        apply_operations(current_data(changeset.personal_id, acting_user=acting_user), data)
        if changeset.creates_dossier
        else None
    )
    if not duty_covers(
        acting_user, {Role.RECORDS_MANAGER}, unit_path(changeset.personal_id, created)
    ):
        raise _not_reviewer()
    return changeset


def changeset_approve(
    *, acting_user: User, changeset_id: int, today: date | None = None
) -> DossierVersion:
    review_gate(acting_user=acting_user, changeset_id=changeset_id, purpose=Purpose.APPROVE)
    version: DossierVersion = _decided(
        acting_user,
        Purpose.APPROVE,
        lambda: _approved(acting_user=acting_user, changeset_id=changeset_id, today=today),
    )
    return version


@transaction.atomic
def _approved(*, acting_user: User, changeset_id: int, today: date | None) -> DossierVersion:
    today = today or local_today()
    changeset = _locked_proposal(acting_user, changeset_id)
    pid = changeset.personal_id
    person_locked(pid)  # serialize per dossier
    freeze_check(changeset)
    current = current_version_number(pid)
    before = current_data(pid, acting_user=acting_user)
    if current != changeset.base_version or (changeset.creates_dossier and before is not None):
        # A proposal made before the first version compares with version 1, the state then.
        base_number = changeset.base_version or 1
        base = version_get(pid, base_number)
        changed = diff(version_data(base) if base else None, before or {})
        fields = sorted({f"{c.section}.{c.field}" for c in changed})[:20]
        raise ValidationFailed(
            [Problem("stale_changeset", f"Đã thay đổi: {', '.join(fields) or 'hồ sơ được tạo'}.")],
            "Hồ sơ đã thay đổi kể từ khi đề xuất; cần đề xuất lại trên phiên bản mới.",
        )
    result = apply_operations(before, json.loads(changeset.operations))
    _check(result, today)
    key = signatures.signing_key_for(acting_user)  # before any write: no key, no approval
    if before is not None and current == 0:
        _version(
            pid=pid, number=1, data=before, changeset=None
        )  # the state before hoso versioned it
        current = 1
    if before is None:
        people_services.dossier_create(acting_user=acting_user, data=result, today=today)
    else:
        people_services.dossier_replace(acting_user=acting_user, data=result, today=today)
    applied = current_data(pid, acting_user=acting_user) or result
    version = _version(pid=pid, number=current + 1, data=applied, changeset=changeset)
    changeset.status = ChangeStatus.APPLIED
    changeset.reviewer = acting_user
    changeset.reviewed_at = timezone.now()
    changeset.resulting_version = version.number
    changeset.save(update_fields=["status", "reviewer", "reviewed_at", "resulting_version"])
    obligations_mark_done_for_changeset(changeset=changeset)
    signed = signature_services.approval_sign(
        changeset=changeset, version=version, approver=acting_user, key=key
    )
    federation_outbox.change_applied(  # the national packet, signed, in this transaction
        acting_user=acting_user,
        personal_id=pid,
        version=version.number,
        data=applied,
        creates=before is None,
    )
    _handover_if_transferred(acting_user, changeset)
    recorder.record(
        user=acting_user,
        action=AuditAction.CHANGESET,
        outcome=AuditOutcome.OK,
        personal_id=pid,
        sections=changeset.sections,
        purpose=Purpose.APPROVE,
        detail={
            "changeset": changeset.pk,
            "version": version.number,
            "sha256": version.sha256,
            "signature_sha256": signed.payload_sha256,
            "certificate_serial": signatures.serial_of(signed),
        },
    )
    return version


# Decision types whose `to_node` parameter moves the person to another managing agency.
ACROSS_AGENCIES = ("transfer", "rotation")


def _handover_if_transferred(acting_user: User, changeset: ChangeSet) -> None:
    """A transfer or rotation to another agency, now applied, starts the hand-over in this
    transaction (SENDING, audited; the task enqueued on commit): R-NO-SILO, issue 14 item 3."""
    decision = PersonnelDecision.objects.filter(
        changeset=changeset, decision_type__in=ACROSS_AGENCIES
    ).first()
    if decision is None:
        return
    to_node = str(json.loads(decision.parameters or "{}").get("to_node") or "").strip()
    if to_node:
        federation_transfer.handover_request(
            acting_user=acting_user,
            personal_id=changeset.personal_id,
            to_node=to_node,
            decision_id=decision.pk,
        )


def changeset_reject(*, acting_user: User, changeset_id: int, reason: str) -> ChangeSet:
    review_gate(acting_user=acting_user, changeset_id=changeset_id, purpose=Purpose.REJECT)
    rejected: ChangeSet = _decided(
        acting_user,
        Purpose.REJECT,
        lambda: _rejected(acting_user=acting_user, changeset_id=changeset_id, reason=reason),
    )
    return rejected


@transaction.atomic
def _rejected(*, acting_user: User, changeset_id: int, reason: str) -> ChangeSet:
    if not reason.strip():
        raise _fail("reason_required", "Cần ghi lý do từ chối.", "reason")
    changeset = _locked_proposal(acting_user, changeset_id)
    changeset.status = ChangeStatus.REJECTED
    changeset.reviewer = acting_user
    changeset.reviewed_at = timezone.now()
    changeset.review_reason = reason
    changeset.save(update_fields=["status", "reviewer", "reviewed_at", "review_reason"])
    recorder.record(
        user=acting_user,
        action=AuditAction.CHANGESET,
        outcome=AuditOutcome.OK,
        personal_id=changeset.personal_id,
        purpose=Purpose.REJECT,
        detail={"changeset": changeset.pk, "reason": reason},
    )
    return changeset


def _version(
    *, pid: str, number: int, data: dict[str, Any], changeset: ChangeSet | None
) -> DossierVersion:
    body = _canonical(data)
    return DossierVersion.objects.create(
        personal_id=pid,
        number=number,
        created_at=timezone.now(),
        changeset=changeset,
        snapshot=body.decode("utf-8"),
        sha256=hashlib.sha256(body).hexdigest(),
    )


# --- Drafts -------------------------------------------------------------------------------------


def _own_draft(acting_user: User, draft_id: int) -> ChangeSet:
    draft = draft_locked(acting_user, draft_id)
    if draft is None:
        raise NotFound()
    return draft


def changeset_draft_save(
    *,
    acting_user: User,
    personal_id: str,
    operations: list[dict[str, Any]],
    source_kind: str,
    paper_confirmed_on: date | None = None,
    source_note: str = "",
    base_version: int | None = None,
    draft_id: int | None = None,
    check_section: str | None = None,
    today: date | None = None,
) -> ChangeSet:
    """Save (or save again) a draft of a proposal: the same gate and the same refusals of a
    dossier that exists or a stale form as a proposal, the operations checked to apply, but
    the dossier after them not yet checked whole (a draft may be half filled): only the
    section just entered (`check_section`), so that its bad dates, overlapping periods and
    unknown codes are refused at once. Its operations are encrypted as any change set's;
    nobody but its author sees it."""
    today = today or local_today()
    if source_kind not in SourceKind.values:
        raise _fail("bad_source", "Căn cứ thay đổi không hợp lệ.", "source_kind")
    if paper_confirmed_on and paper_confirmed_on > today:
        raise _fail("future_date", "Ngày xác nhận hồ sơ giấy ở tương lai.", "paper_confirmed_on")
    if draft_id is not None:
        found = changeset_personal_id(draft_id, author=acting_user)
        if found is None or found != personal_id:
            raise NotFound()
    _check_new_dossier(personal_id, operations, draft_id=draft_id)
    proposal_gate(
        acting_user=acting_user,
        personal_id=personal_id,
        operations=operations,
        source_kind=source_kind,
    )
    own = getattr(acting_user, "personal_id", "") == personal_id and source_kind == SourceKind.SELF
    if not own and not (set(gate_for(acting_user).roles) & WRITING_ROLES):
        raise _not_assigned()
    return _draft_saved(
        acting_user=acting_user,
        personal_id=personal_id,
        operations=operations,
        source_kind=source_kind,
        paper_confirmed_on=paper_confirmed_on,
        source_note=source_note,
        base_version=base_version,
        draft_id=draft_id,
        check_section=check_section,
        today=today,
    )


def _check_section(result: dict[str, Any], section: str, today: date) -> None:
    problems = [
        p
        for p in validate_dossier(result, ref=load_reference(), today=today)
        if p.field.startswith((f"{section}.", f"{section}["))
    ]
    if problems:
        raise ValidationFailed(problems, "Mục này có chỗ chưa đúng; chưa lưu gì.")


@transaction.atomic
def _draft_saved(
    *,
    acting_user: User,
    personal_id: str,
    operations: list[dict[str, Any]],
    source_kind: str,
    paper_confirmed_on: date | None,
    source_note: str,
    base_version: int | None,
    draft_id: int | None,
    check_section: str | None,
    today: date,
) -> ChangeSet:
    if base_version is not None and (stale := stale_refusal(personal_id, base_version)):
        raise stale
    before = current_data(personal_id, acting_user=acting_user)
    result = apply_operations(before, operations)  # well formed, on this dossier
    if str((result.get("identity") or {}).get("personal_id")) != personal_id:
        raise _fail("personal_id_mismatch", "Số định danh của hồ sơ không khớp.", "personal_id")
    if check_section:
        _check_section(result, check_section, today)
    draft = (
        _own_draft(acting_user, draft_id)
        if draft_id is not None
        else ChangeSet(
            personal_id=personal_id,
            proposer=acting_user,
            status=ChangeStatus.DRAFT,
            base_version=current_version_number(personal_id)
            if base_version is None
            else base_version,
        )
    )
    draft.creates_dossier = before is None
    draft.operations = json.dumps(operations, ensure_ascii=False, default=str)
    draft.sections = touched_sections(operations)
    draft.source_kind = source_kind
    draft.paper_confirmed_on = paper_confirmed_on
    draft.source_note = source_note
    draft.save()
    recorder.record(
        user=acting_user,
        action=AuditAction.DRAFT,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        sections=draft.sections,
        purpose=Purpose.PROPOSE,
        detail={"changeset": draft.pk, "draft": "saved"},
    )
    return draft


def changeset_draft_submit(
    *, acting_user: User, draft_id: int, today: date | None = None
) -> ChangeSet:
    """Submit the author's draft as a proposal: every check of `changeset_propose`, the stale
    form against the version the draft was begun on; it then opens the deadline obligation
    and reaches the reviewers. Refused, it stays a draft as it was."""
    today = today or local_today()
    personal_id = changeset_personal_id(draft_id, author=acting_user)
    if personal_id is None:
        raise NotFound()
    draft = ChangeSet.objects.get(pk=draft_id)
    operations = json.loads(draft.operations)
    _check_source(draft.source_kind, draft.paper_confirmed_on, today)
    _check_new_dossier(personal_id, operations, draft_id=draft_id)
    proposal_gate(
        acting_user=acting_user,
        personal_id=personal_id,
        operations=operations,
        source_kind=draft.source_kind,
    )
    return _draft_submitted(acting_user=acting_user, draft_id=draft_id, today=today)


@transaction.atomic
def _draft_submitted(*, acting_user: User, draft_id: int, today: date) -> ChangeSet:
    draft = _own_draft(acting_user, draft_id)
    return _proposal_recorded(
        acting_user=acting_user,
        personal_id=draft.personal_id,
        operations=json.loads(draft.operations),
        source_kind=draft.source_kind,
        paper_confirmed_on=draft.paper_confirmed_on,
        source_note=draft.source_note,
        today=today,
        base_version=None if draft.creates_dossier else draft.base_version,
        draft=draft,
    )


@transaction.atomic
def changeset_draft_rebase(*, acting_user: User, draft_id: int) -> ChangeSet:
    """Carry the author's draft over to the dossier's latest version (after a stale form was
    refused and they have seen what changed): its operations must still apply."""
    draft = _own_draft(acting_user, draft_id)
    apply_operations(
        current_data(draft.personal_id, acting_user=acting_user), json.loads(draft.operations)
    )
    draft.base_version = current_version_number(draft.personal_id)
    draft.save(update_fields=["base_version", "updated_at"])
    return draft


@transaction.atomic
def changeset_draft_discard(*, acting_user: User, draft_id: int) -> None:
    """The author throws their draft away: it was never proposed, nothing refers to it."""
    draft = _own_draft(acting_user, draft_id)
    recorder.record(
        user=acting_user,
        action=AuditAction.DRAFT,
        outcome=AuditOutcome.OK,
        personal_id=draft.personal_id,
        sections=list(draft.sections),
        purpose=Purpose.PROPOSE,
        detail={"changeset": draft.pk, "draft": "discarded"},
    )
    draft.delete()
