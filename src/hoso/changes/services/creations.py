"""Proposing and approving many new dossiers at once: `changesets` for a chunk of an import
(issue 13; docs/decisions/0018-import-as-change-sets.md, R-DIGITIZE, R-10D-CREATE, R-CORRECT).

The invariants of a proposal creating a dossier are those of `changesets`, decided once per
chunk instead of once per dossier, with the same refusal codes:
- an id with a dossier (`dossier_exists`) or a pending creation (`creation_pending`): one query
  each for the whole chunk; the dossier checked whole (`people.validation`, the catalogs
  loaded once); the proposer's duty over the unit the dossier names (`not_assigned`), decided
  once per unit. A refused dossier is left out and said; the others of the chunk are written.
- the change sets, their deadline obligations (R-10D-CREATE) and one audit event naming every
  change set are written in the caller's transaction, in one statement per table.
- approval (`creations_approve`): every change set is still a pending creation by someone
  else, none of its dossiers exists yet, the approver is a records manager over each unit;
  the dossiers are written by `people.services.dossiers_bulk_create` (COPY), each gets its
  version 1 and its own signed approval (`ApprovalSignature`, as one by one), the approver's
  certificate checked against the roots on the chunk's first signature. Any refusal raises:
  nothing of the chunk is applied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from hoso.access import recorder
from hoso.access.models import Role, User
from hoso.access.policies import gate_for
from hoso.access.system import system_dossiers
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.calendar.engine import OutOfRange
from hoso.changes import signatures
from hoso.changes.models import (
    ApprovalSignature,
    ChangeSet,
    ChangeStatus,
    DossierVersion,
    Obligation,
    ObligationKind,
    SourceKind,
)
from hoso.changes.operations import created, touched_sections
from hoso.changes.selectors.changesets import NO_UNIT, creations_pending_among
from hoso.changes.selectors.obligations import deadline
from hoso.changes.services.changesets import WRITING_ROLES, _check_source
from hoso.core.copying import instances_insert
from hoso.core.dates import today as local_today
from hoso.core.errors import Problem, ValidationFailed
from hoso.federation.services import outbox as federation_outbox
from hoso.orgs.models import Organization
from hoso.orgs.selectors import orgs_by_code
from hoso.people import services as people_services
from hoso.people.reference import load_reference
from hoso.people.selectors import people_by_ids, personal_ids_taken
from hoso.people.validation import validate_dossier
from hoso.signing.batch import SameMomentSigner
from hoso.signing.canonical import canonical


@dataclass
class Creation:
    """One dossier to create: its id, its plain data and the note on its source."""

    personal_id: str
    data: dict[str, Any]
    source_note: str = ""


def _unit_code(data: dict[str, Any]) -> str:
    return str((data.get("employment") or {}).get("current_unit") or "")


class _Units:
    """The units a chunk names (one query) and a duty decision per unit path, not per dossier."""

    def __init__(self, user: User, roles: set[str], datas: list[dict[str, Any]]) -> None:
        self.by_code: dict[str, Organization] = orgs_by_code(
            {c for c in map(_unit_code, datas) if c}
        )
        self.gate = gate_for(user)
        self.roles = roles
        self.decided: dict[str, bool] = {}

    def unit(self, data: dict[str, Any]) -> Organization | None:
        return self.by_code.get(_unit_code(data))

    def covered(self, data: dict[str, Any]) -> bool:
        unit = self.unit(data)
        path = unit.path if unit else NO_UNIT
        if path not in self.decided:
            self.decided[path] = self.gate.duty_covers(self.roles, path)
        return self.decided[path]


def _not_assigned() -> Problem:
    return Problem("not_assigned", "Bạn không được giao cập nhật hồ sơ này.", "personal_id")


def creations_refusals(
    *, acting_user: User, creations: list[Creation], today: date | None = None
) -> dict[str, list[Problem]]:
    """Why each of `creations` would be refused (personal id → problems; absent: it passes),
    in the order `changeset_propose` says them. Reads no dossier, writes nothing."""
    today = today or local_today()
    pids = [c.personal_id for c in creations]
    taken = personal_ids_taken(pids)
    pending = creations_pending_among(pids)
    ref = load_reference()
    units = _Units(acting_user, WRITING_ROLES, [c.data for c in creations])
    out: dict[str, list[Problem]] = {}
    for creation in creations:
        pid = creation.personal_id
        if pid in taken:
            out[pid] = [Problem("dossier_exists", "Số định danh này đã có hồ sơ.", "personal_id")]
            continue
        if pid in pending:
            out[pid] = [
                Problem(
                    "creation_pending",
                    "Số định danh này đang có đề xuất tạo hồ sơ chờ phê duyệt.",
                    "personal_id",
                )
            ]
            continue
        try:
            result = created(creation.data)
        except ValidationFailed as bad:
            out[pid] = list(bad.problems)
            continue
        if str((result.get("identity") or {}).get("personal_id")) != pid:
            out[pid] = [Problem("personal_id_mismatch", "Số định danh không khớp.", "personal_id")]
            continue
        problems = validate_dossier(result, ref=ref, today=today)
        if not problems and not units.covered(result):
            problems = [_not_assigned()]
        if problems:
            out[pid] = problems
    return out


@transaction.atomic
def creations_propose(
    *,
    acting_user: User,
    creations: list[Creation],
    paper_confirmed_on: date,
    today: date | None = None,
) -> tuple[dict[str, ChangeSet], dict[str, list[Problem]]]:
    """Propose every creation that passes (source: the confirmed paper dossier); returns the
    change sets written and the refusals, by personal id. See the module."""
    today = today or local_today()
    _check_source(SourceKind.PAPER, paper_confirmed_on, today)
    refused = creations_refusals(acting_user=acting_user, creations=creations, today=today)
    passing = [c for c in creations if c.personal_id not in refused]
    if not passing:
        return {}, refused
    changesets = [
        ChangeSet(
            personal_id=c.personal_id,
            creates_dossier=True,
            operations=json.dumps(
                [{"op": "create", "data": c.data}], ensure_ascii=False, default=str
            ),
            sections=touched_sections([{"op": "create", "data": c.data}]),
            source_kind=SourceKind.PAPER,
            paper_confirmed_on=paper_confirmed_on,
            source_note=c.source_note[:300],
            base_version=0,  # no dossier, no version yet
            proposer=acting_user,
            status=ChangeStatus.PROPOSED,
        )
        for c in passing
    ]
    instances_insert(changesets)
    _obligations_open(acting_user, changesets, [c.data for c in passing])
    recorder.record(
        user=acting_user,
        action=AuditAction.CHANGESET,
        outcome=AuditOutcome.OK,
        purpose=Purpose.PROPOSE,
        detail={
            "source": SourceKind.PAPER.value,
            "count": len(changesets),
            "changesets": [cs.pk for cs in changesets],
            "personal_ids": [cs.personal_id for cs in changesets],
        },
    )
    return {cs.personal_id: cs for cs in changesets}, refused


def _obligations_open(
    acting_user: User, changesets: list[ChangeSet], datas: list[dict[str, Any]]
) -> None:
    """`obligations.obligation_open_for_changeset` for a chunk: the duty of R-10D-CREATE
    from the confirmation day (its deadline from the dated policy catalog, once per day); an
    open duty left by a rejected or withdrawn creation of the same person and day is taken
    over rather than opened twice."""
    kind = ObligationKind.CREATE_FROM_PAPER
    by_pid = {cs.personal_id: cs for cs in changesets}
    start = changesets[0].paper_confirmed_on
    previous = Obligation.objects.filter(
        kind=kind,
        personal_id__in=list(by_pid),
        start_date=start,
        done_at__isnull=True,
        changeset__status__in=[ChangeStatus.REJECTED, ChangeStatus.WITHDRAWN],
    )
    relinked = list(previous.select_for_update())
    for obligation in relinked:
        obligation.changeset = by_pid[obligation.personal_id]
    if relinked:
        Obligation.objects.bulk_update(relinked, ["changeset"])
    taken_over = {o.personal_id for o in relinked}
    try:
        due, policy, rule = deadline(kind, start)
    except OutOfRange as exc:
        raise ValidationFailed(
            [Problem("date_out_of_range", str(exc), "paper_confirmed_on")]
        ) from exc
    units = orgs_by_code({c for c in map(_unit_code, datas) if c})
    instances_insert(
        [
            Obligation(
                kind=kind,
                personal_id=cs.personal_id,
                unit=units.get(_unit_code(data)),
                officer=acting_user,
                source=f"changeset:{cs.pk}",
                changeset=cs,
                start_date=start,
                due_date=due,
                policy_code=policy.code,
                rule_code=rule.code,
                legal_basis=rule.legal_basis,
            )
            for cs, data in zip(changesets, datas, strict=True)
            if cs.personal_id not in taken_over
        ]
    )


def _refuse(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([Problem(code, message)], "Chưa phê duyệt; chưa ghi gì.")


@transaction.atomic
def creations_approve(
    *, acting_user: User, changeset_ids: list[int], today: date | None = None
) -> list[DossierVersion]:
    """Approve pending creations in one transaction: all of them, or none (raises)."""
    today = today or local_today()
    changesets = list(
        ChangeSet.objects.select_for_update()
        .filter(pk__in=changeset_ids)
        .select_related("proposer")
        .order_by("pk")
    )
    if len(changesets) != len(set(changeset_ids)):
        raise _refuse("unknown_changeset", "Không có đề xuất thay đổi này.")
    datas: list[dict[str, Any]] = []
    for cs in changesets:
        if cs.status != ChangeStatus.PROPOSED or not cs.creates_dossier:
            raise _refuse(
                "already_decided",
                f"Đề xuất của hồ sơ {cs.personal_id} đã được xử lý "
                f"({cs.get_status_display().lower()}).",
            )
        if cs.proposer_id == acting_user.pk:
            raise _refuse("self_approval", "Người đề xuất không được tự phê duyệt.")
        [operation] = json.loads(cs.operations)  # a creation: one "create" operation
        datas.append(created(operation.get("data")))
    pids = [cs.personal_id for cs in changesets]
    if taken := personal_ids_taken(pids):
        raise _refuse(
            "stale_changeset",
            f"Hồ sơ {', '.join(sorted(taken)[:5])} đã được tạo kể từ khi đề xuất; cần đề xuất lại.",
        )
    units = _Units(acting_user, {Role.RECORDS_MANAGER}, datas)
    if not all(units.covered(d) for d in datas):
        raise _refuse("not_records_manager", "Chỉ cán bộ quản lý hồ sơ phụ trách mới phê duyệt.")
    # No discrepancy can be open on a dossier that does not exist yet (`freeze_check`).
    key = signatures.signing_key_for(acting_user)  # before any write: no key, no approval
    people_services.dossiers_bulk_create(
        acting_user=acting_user, dossiers=datas, batch_size=len(datas) or 1, today=today
    )
    applied = system_dossiers(
        purpose=Purpose.SYSTEM_CHANGE, people=people_by_ids(pids), acting_user=acting_user
    )
    now = timezone.now()
    versions = [
        _version(cs, applied.get(cs.personal_id) or data, now)
        for cs, data in zip(changesets, datas, strict=True)
    ]
    instances_insert(versions)
    ChangeSet.objects.filter(pk__in=[cs.pk for cs in changesets]).update(
        status=ChangeStatus.APPLIED, reviewer=acting_user, reviewed_at=now, resulting_version=1
    )
    for cs in changesets:  # what the signed payload names
        cs.status, cs.reviewer, cs.reviewed_at, cs.resulting_version = (
            ChangeStatus.APPLIED,
            acting_user,
            now,
            1,
        )
    Obligation.objects.filter(changeset__in=changesets, done_at__isnull=True).update(done_at=now)
    signed = _signatures(changesets, versions, acting_user, key)
    federation_outbox.creations_claim([cs.personal_id for cs in changesets])
    for cs, data in zip(changesets, datas, strict=True):
        # The national packet of each new dossier, in this transaction (as `changeset_approve`):
        # a bulk creation is no side door past the hub's registry (R-NATIONAL, R-NO-SILO).
        federation_outbox.change_applied(
            acting_user=acting_user,
            personal_id=cs.personal_id,
            version=1,
            data=applied.get(cs.personal_id) or data,
            creates=True,
            claimed=True,
        )
    recorder.record(
        user=acting_user,
        action=AuditAction.CHANGESET,
        outcome=AuditOutcome.OK,
        purpose=Purpose.APPROVE,
        detail={
            "count": len(changesets),
            "changesets": [cs.pk for cs in changesets],
            "personal_ids": pids,
            "version": 1,
            "sha256": [v.sha256 for v in versions],
            "signature_sha256": [s.payload_sha256 for s in signed],
        },
    )
    return versions


def _version(cs: ChangeSet, data: dict[str, Any], now: Any) -> DossierVersion:
    body = canonical(data)
    return DossierVersion(
        personal_id=cs.personal_id,
        number=1,
        created_at=now,
        changeset=cs,
        snapshot=body.decode("utf-8"),
        sha256=hashlib.sha256(body).hexdigest(),
    )


def _signatures(
    changesets: list[ChangeSet], versions: list[DossierVersion], approver: User, key: Any
) -> list[ApprovalSignature]:
    """Each approval signed as `services.signatures.approval_sign` does; the chunk's first
    signature is checked against the trusted roots (one key, one certificate, one moment),
    the next ones are made from it (`signing.batch`: the same bytes pyHanko would make at
    that moment, without its 70 ms of ASN.1 assembly each)."""
    username = approver.get_username()
    pem = signatures.certificate_pem(key.certificate)
    rows = []
    batch = None
    for cs, version in zip(changesets, versions, strict=True):
        payload = signatures.approval_payload(cs, version, username)
        body = canonical(payload)
        if batch is None:
            signature, _ = signatures.sign_checked(payload, key, username)
            batch = SameMomentSigner(key, signature, body)
        else:
            signature = batch.sign(body)
        rows.append(
            ApprovalSignature(
                changeset=cs,
                version=version,
                payload_format=signatures.APPROVAL_FORMAT,
                payload_sha256=hashlib.sha256(body).hexdigest(),
                cms=signature.der,
                signer_certificate=pem,
                signer_username=username,
                signed_at=signature.signing_time,
            )
        )
    instances_insert(rows)
    return rows
