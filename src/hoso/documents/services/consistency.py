"""Checking scans against the e-dossier and deciding on what was found (R-DISCREPANCY).

`component_check` (a system action of the upload pipeline) compares what OCR read on a scan
(`documents.extraction`) with the e-dossier, read through the named system reader, and
proposes a `ConsistencyFinding` per difference; a person who may see the scan confirms one
(`finding_confirm`: a discrepancy report through `hoso.changes.services.discrepancies`) or dismisses
it with a reason (`finding_dismiss`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from datetime import date

from django.db import transaction
from django.utils import timezone

from hoso.access import holds, recorder
from hoso.access.models import User
from hoso.access.policies import dossier_open_write
from hoso.access.system import system_dossier
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import name_of
from hoso.changes.models import Discrepancy, PersonnelDecision
from hoso.changes.services import discrepancies
from hoso.core.errors import NotFound, Problem, ValidationFailed
from hoso.documents.extraction import (
    CHECKED_KINDS,
    DECISION_KINDS,
    KnownDecision,
    decision_mismatches,
    extract_fields,
    identity_mismatches,
)
from hoso.documents.models import Component, ConsistencyFinding, FindingStatus
from hoso.documents.selectors.consistency import field_name, finding_visible
from hoso.people.selectors import person_queryset

# --- Checking a component (system action) ---------------------------------------------------------


def _values_of(finding: ConsistencyFinding) -> tuple[str, str, str]:
    return finding.field, finding.dossier_value or "", finding.scanned_value or ""


@transaction.atomic
def component_check(*, component: Component) -> list[ConsistencyFinding]:
    """Compare what OCR read on a scanned résumé, personal history book or decision with the
    e-dossier; propose a finding for each difference. Returns the proposed findings that
    stand for the differences found now (new ones and those already open).

    A system action of the upload pipeline (no acting user, no gate: it reads the dossier to
    compare, it shows nothing). Invariants:
    - only the kinds of `CHECKED_KINDS`, not superseded, with OCR text, of an existing dossier;
    - a value not read is no mismatch; names are compared without diacritics;
    - decisions are compared with the decision of the component's change set, or else with
      the person's registered decision (or career event) of the same number;
    - idempotent: checks of one component are serialized (its row is locked) and a difference
      already found on it — open, confirmed or dismissed, with the same values — is not
      proposed again (a person already answered it);
    - nothing on a dossier handed over or being handed over (`access.holds`);
    - one SYSTEM audit event per check, naming fields and finding ids, never the values.
    """
    if component.kind not in CHECKED_KINDS:
        return []
    if holds.refusal(component.personal_id) is not None:
        return []  # handed over: a read-only trace here proposes nothing (R-NO-SILO)
    locked = (
        Component.objects.select_for_update(of=("self",))
        .select_related("changeset")
        .filter(pk=component.pk)
        .first()
    )
    if locked is None or locked.superseded_by_id is not None or not (locked.ocr_text or ""):
        return []
    read = extract_fields(locked.ocr_text)
    person = person_queryset().filter(personal_id=locked.personal_id).first()
    if read.empty or person is None:
        return []
    data = system_dossier(purpose=Purpose.SYSTEM_CONSISTENCY, person=person)
    mismatches = identity_mismatches(read, data["identity"])
    if locked.kind in DECISION_KINDS:
        linked = (
            [KnownDecision(d.number, d.signed_date) for d in locked.changeset.decisions.all()]
            if locked.changeset is not None
            else []
        )
        known = [
            KnownDecision(d.number, d.signed_date)
            for d in PersonnelDecision.objects.filter(personal_id=person.personal_id)
        ] + [
            KnownDecision(row["decision_number"], date.fromisoformat(row["signed_date"]))
            for row in data.get("career_events") or []
            if row.get("decision_number") and row.get("signed_date")
        ]
        mismatches += decision_mismatches(read, linked=linked, known=known)
    earlier = {_values_of(f): f for f in locked.findings.all()}
    now = timezone.now()
    standing: list[ConsistencyFinding] = []
    created: list[int] = []
    for mismatch in mismatches:
        values = (mismatch.field, mismatch.dossier_value, mismatch.scanned_value)
        finding = earlier.get(values)
        if finding is None:
            finding = ConsistencyFinding.objects.create(
                component=locked,
                personal_id=locked.personal_id,
                field=mismatch.field,
                section=mismatch.field.split(".", 1)[0],
                dossier_value=mismatch.dossier_value,
                scanned_value=mismatch.scanned_value,
                status=FindingStatus.PROPOSED,
                found_at=now,
            )
            earlier[values] = finding
            created.append(finding.pk)
        if finding.status == FindingStatus.PROPOSED and finding not in standing:
            standing.append(finding)
    recorder.record(
        user=None,
        username="system",
        action=AuditAction.SYSTEM,
        outcome=AuditOutcome.OK,
        personal_id=locked.personal_id,
        sections=sorted({m.field.split(".", 1)[0] for m in mismatches}),
        purpose=Purpose.CONSISTENCY_CHECK,
        detail={
            "component": locked.pk,
            "read": [f.name for f in fields(read) if getattr(read, f.name)],
            "mismatches": [m.field for m in mismatches],
            "created": created,
        },
    )
    return standing


# --- Deciding on a finding ----------------------------------------------------------------------

NOTE_MAX = 1000
REASON_MAX = 500


def _gated_finding(acting_user: User, finding_id: int, purpose: Purpose) -> ConsistencyFinding:
    """The finding, if `acting_user` may open its dossier and see its scan and field; the same
    `NotFound` otherwise (the gate audits the read, allowed or denied)."""
    finding = (
        ConsistencyFinding.objects.select_related("component").filter(pk=finding_id).first()
        if isinstance(finding_id, int) or str(finding_id).isdigit()
        else None
    )
    if finding is None:
        raise NotFound()
    access = dossier_open_write(acting_user, finding.personal_id, purpose)
    if not finding_visible(access, finding):
        raise NotFound()
    return finding


def _locked_open(finding_id: int) -> ConsistencyFinding:
    finding = (
        ConsistencyFinding.objects.select_for_update(of=("self",))
        .select_related("component")
        .get(pk=finding_id)
    )
    if finding.status != FindingStatus.PROPOSED:
        raise ValidationFailed(
            [
                Problem(
                    "finding_decided",
                    "Phát hiện này đã được xử lý trước đó: "
                    f"«{FindingStatus(finding.status).label}».",
                )
            ],
            "Không xử lý được phát hiện sai lệch; chưa lưu gì.",
        )
    return finding


def evidence_text(finding: ConsistencyFinding, note: str = "") -> str:
    """Where the paper says it: the scan (title, kind, id) and both values, for the report."""
    component = finding.component
    kind = name_of("component_kind", component.kind)
    dossier = f"«{finding.dossier_value}»" if finding.dossier_value else "không có giá trị này"
    text = (
        f"Nhận dạng chữ (OCR) trên bản quét «{component.title}» (loại «{kind}», thành phần hồ "
        f"sơ số {component.pk}) đọc được {field_name(finding.field)}: «{finding.scanned_value}»; "
        f"hồ sơ điện tử: {dossier}."
    )
    if note:
        text += f" Ghi chú của người xác nhận: {note}"
    return text[: discrepancies.TEXT_MAX]


def finding_confirm(*, acting_user: User, finding_id: int, note: str = "") -> Discrepancy:
    """Confirm a proposed finding: it becomes a discrepancy report on the dossier (with the
    freeze of paper-based approvals of its section, `hoso.changes.services.discrepancies`).

    Invariants: the gate first, outside the write transaction so that a denial stays audited
    (`NotFound` alike for a missing finding, a dossier the user may not open and a scan or
    field the user may not see); a proposed finding only, decided once (under
    `select_for_update`); the report goes through `discrepancy_report` (its own checks and
    audit), citing the scan and the value read; the finding, the report and a DOSSIER_WRITE
    audit event are written in one transaction.
    """
    gated = _gated_finding(acting_user, finding_id, Purpose.CONSISTENCY_CONFIRM)
    note = unicodedata.normalize("NFC", (note or "").strip())
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            [Problem("too_long", f"Ghi chú dài quá {NOTE_MAX} ký tự.", "note")],
            "Không xác nhận được phát hiện sai lệch; chưa lưu gì.",
        )
    with transaction.atomic():
        finding = _locked_open(gated.pk)
        discrepancy = discrepancies.discrepancy_report(
            acting_user=acting_user,
            personal_id=finding.personal_id,
            sections=[finding.section],
            field=finding.field,
            paper_says=f"{field_name(finding.field)}: {finding.scanned_value}",
            evidence=evidence_text(finding, note),
        )
        finding.status = FindingStatus.CONFIRMED
        finding.decided_by = acting_user
        finding.decided_at = timezone.now()
        finding.discrepancy = discrepancy
        finding.save(update_fields=["status", "decided_by", "decided_at", "discrepancy"])
        recorder.record(
            user=acting_user,
            action=AuditAction.DOSSIER_WRITE,
            outcome=AuditOutcome.OK,
            personal_id=finding.personal_id,
            sections=[finding.section],
            purpose=Purpose.CONSISTENCY_CONFIRM,
            detail={
                "finding": finding.pk,
                "component": finding.component_id,
                "field": finding.field,
                "discrepancy": discrepancy.pk,
            },
        )
    return discrepancy


def finding_dismiss(*, acting_user: User, finding_id: int, reason: str) -> ConsistencyFinding:
    """Dismiss a proposed finding (OCR misread it), saying why.

    Invariants: the same gate as `finding_confirm`; a reason is required (at most
    `REASON_MAX` characters) and kept in the DOSSIER_WRITE audit event, the model having no
    place for it; a proposed finding only, decided once; nothing else changes.
    """
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    problems: list[Problem] = []
    if not reason:
        problems.append(Problem("reason_required", "Cần ghi lý do bác bỏ phát hiện.", "reason"))
    elif len(reason) > REASON_MAX:
        problems.append(Problem("too_long", f"Lý do dài quá {REASON_MAX} ký tự.", "reason"))
    gated = _gated_finding(acting_user, finding_id, Purpose.CONSISTENCY_DISMISS)
    if problems:
        raise ValidationFailed(problems, "Không bác bỏ được phát hiện sai lệch; chưa lưu gì.")
    with transaction.atomic():
        finding = _locked_open(gated.pk)
        finding.status = FindingStatus.DISMISSED
        finding.decided_by = acting_user
        finding.decided_at = timezone.now()
        finding.save(update_fields=["status", "decided_by", "decided_at"])
        recorder.record(
            user=acting_user,
            action=AuditAction.DOSSIER_WRITE,
            outcome=AuditOutcome.OK,
            personal_id=finding.personal_id,
            sections=[finding.section],
            purpose=Purpose.CONSISTENCY_DISMISS,
            detail={
                "finding": finding.pk,
                "component": finding.component_id,
                "field": finding.field,
                "reason": reason,
            },
        )
    return finding
