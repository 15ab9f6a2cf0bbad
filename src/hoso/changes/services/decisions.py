"""Registering personnel decisions (R-10D-DECISION, R-LIVE, R-APPOINT-SAFE).

A clerk registers the decision received from a competent authority; its effects
(`hoso.changes.effects`) become a change set proposed with source "decision", which a records
manager approves like any other (`services.changesets`). Registering also opens the duty to
enter it within the policy's deadline from the day it was received (`services.obligations`).
Reading them back is `selectors.decisions`. `decision_preview` computes the same thing without
writing: the field-by-field change as the clerk may see it, the verdicts of the eligibility
rules with their legal basis, the staffing quotas a joining decision would exceed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access import policies, recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.catalog.selectors import entries, name_of
from hoso.changes import effects
from hoso.changes.effects.eligibility import Verdict, engine_verdict, position_of, verdicts
from hoso.changes.models import (
    ChangeSet,
    ChangeStatus,
    Obligation,
    ObligationKind,
    PersonnelDecision,
    SourceKind,
)
from hoso.changes.operations import FieldChange, apply_operations
from hoso.changes.selectors.changesets import changeset_diff
from hoso.changes.selectors.decisions import decisions_matching, quota_breaches, quota_text
from hoso.changes.services.changesets import WRITING_ROLES, changeset_propose, current_data
from hoso.changes.services.obligations import obligation_open, obligation_relink
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.core.errors import Problem, ValidationFailed
from hoso.eligibility import engine
from hoso.people.models import Person
from hoso.people.reference import load_reference
from hoso.people.selectors import person_locked
from hoso.people.validation import validate_dossier
from hoso.staffing.selectors import QuotaStanding

DEFAULT_MAX_FUTURE_DAYS = 366
LIVE_STATUSES = (ChangeStatus.PROPOSED, ChangeStatus.APPLIED)
QUOTA_REASON_MAX = 500
NOT_SAVED = "Quyết định chưa đăng ký được; chưa lưu gì."


def max_future_days() -> int:
    """How far ahead a decision may take effect (setting ``HOSO_DECISION_MAX_FUTURE_DAYS``): a
    guard against a mistyped year, not a number from law."""
    return int(getattr(settings, "HOSO_DECISION_MAX_FUTURE_DAYS", DEFAULT_MAX_FUTURE_DAYS))


def _header_problems(
    *,
    decision_type: str,
    number: str,
    signed_date: date,
    issuer: str,
    received_date: date,
    effective_date: date,
    summary: str,
    quota_reason: str,
    today: date,
) -> list[Problem]:
    problems: list[Problem] = []

    def add(code: str, message: str, field: str) -> None:
        problems.append(Problem(code, message, field))

    if not entries("decision_type", on=signed_date).filter(code=decision_type).exists():
        add(
            "unknown_decision_type",
            f"Loại quyết định «{decision_type}» không có trong danh mục.",
            "decision_type",
        )
    if not number.strip():
        add("required", "Thiếu số quyết định.", "number")
    elif len(number) > 64:
        add("too_long", "Số quyết định dài quá 64 ký tự.", "number")
    if not issuer.strip():
        add("required", "Thiếu cơ quan ban hành.", "issuer")
    elif len(issuer) > 200:
        add("too_long", "Tên cơ quan ban hành dài quá 200 ký tự.", "issuer")
    if len(summary) > 300:
        add("too_long", "Trích yếu dài quá 300 ký tự.", "summary")
    if len(quota_reason) > QUOTA_REASON_MAX:
        add(
            "too_long",
            f"Lý do vượt chỉ tiêu biên chế dài quá {QUOTA_REASON_MAX} ký tự.",
            "quota_reason",
        )
    if signed_date > today:
        add("future_date", f"Ngày ký {vn(signed_date)} ở tương lai.", "signed_date")
    if received_date < signed_date:
        add(
            "received_before_signed",
            f"Ngày nhận {vn(received_date)} trước ngày ký {vn(signed_date)}: không thể nhận "
            "quyết định trước khi được ký.",
            "received_date",
        )
    if received_date > today:
        add("future_date", f"Ngày nhận {vn(received_date)} ở tương lai.", "received_date")
    limit = today + timedelta(days=max_future_days())
    if effective_date > limit:
        add(
            "effective_too_far",
            f"Ngày có hiệu lực {vn(effective_date)} quá xa trong tương lai (sau {vn(limit)}, "
            f"quá {max_future_days()} ngày kể từ hôm nay): kiểm tra lại ngày trên quyết định.",
            "effective_date",
        )
    return problems


def _source_note(decision: PersonnelDecision) -> str:
    return (
        f"Quyết định số {decision.number} ngày {vn(decision.signed_date)} của {decision.issuer} "
        f"({name_of('decision_type', decision.decision_type)})"
    )[:300]


def _over_quota(over: list[QuotaStanding]) -> Problem:
    return Problem(
        "over_quota",
        "; ".join(quota_text(q) for q in over)
        + ". Quyết định đưa người vào đơn vị đã hết chỉ tiêu biên chế: ghi lý do vượt chỉ tiêu.",
        "quota_reason",
    )


def _duplicate(live: list[PersonnelDecision], number: str, issuer: str) -> Problem:
    return Problem(
        "duplicate_decision",
        f"Quyết định số {number} của {issuer} đã được đăng ký ngày "
        f"{vn(timezone.localdate(live[0].registered_at))}.",
        "number",
    )


def _live(earlier: list[PersonnelDecision]) -> list[PersonnelDecision]:
    return [d for d in earlier if d.changeset is None or d.changeset.status in LIVE_STATUSES]


def decision_register(
    *,
    acting_user: User,
    decision_type: str,
    number: str,
    signed_date: date,
    issuer: str,
    received_date: date,
    effective_date: date,
    personal_id: str,
    parameters: dict[str, Any] | None = None,
    summary: str = "",
    quota_reason: str = "",
    today: date | None = None,
) -> PersonnelDecision:
    """Register a decision, propose its effects, open the duty to enter it.

    Invariants (each refused with a Vietnamese reason; nothing is written):
    - the type is in the ``decision_type`` catalog; number and issuer are given; the decision
      is not signed or received in the future, not received before it was signed, and takes
      effect at most ``HOSO_DECISION_MAX_FUTURE_DAYS`` days from today;
    - the parameters fit the type (`effects.PARAMETERS`: none it does not take, every required
      one, each of its kind), one reason per parameter;
    - the person's dossier exists, the caller may open it and a clerk's or records manager's
      duty of the caller covers it (`policies.dossier_write`) — otherwise the same `NotFound`
      as for a missing dossier (no existence oracle), the denial audited before the write's
      transaction;
    - a decision (type, number, issuer, person) is registered once; again only when its change
      set was rejected or withdrawn, and then the new registration takes over the open
      obligation (its deadline still runs from the first receipt);
    - a decision of a type that brings the person onto a unit's staff (catalog attribute
      ``joins_unit``) into a unit whose staffing quota of the effective year and the person's
      category has no vacancy needs `quota_reason`, kept on the decision;
    - the effects are computed on the dossier as it is now and proposed as one change set with
      source "decision", checked as the dossier will be on the effective date (a decision may
      take effect later than it is entered; it is approved once in force);
    - the obligation is due by the deadline policy counted from the day received.
    """
    today = today or local_today()
    number, issuer, summary = number.strip(), issuer.strip(), (summary or "").strip()
    quota_reason = (quota_reason or "").strip()
    problems = _header_problems(
        decision_type=decision_type,
        number=number,
        signed_date=signed_date,
        issuer=issuer,
        received_date=received_date,
        effective_date=effective_date,
        summary=summary,
        quota_reason=quota_reason,
        today=today,
    )
    if problems:
        raise ValidationFailed(problems, NOT_SAVED)
    person = policies.dossier_write(
        acting_user, personal_id, Purpose.DECISION_REGISTER, WRITING_ROLES
    ).person
    return _decision_recorded(
        acting_user=acting_user,
        person=person,
        decision=PersonnelDecision(
            decision_type=decision_type,
            number=number,
            signed_date=signed_date,
            issuer=issuer,
            received_date=received_date,
            effective_date=effective_date,
            personal_id=person.personal_id,
            summary=summary,
            quota_reason=quota_reason,
            registered_by=acting_user,
        ),
        parameters=parameters,
        today=today,
    )


@transaction.atomic
def _decision_recorded(
    *,
    acting_user: User,
    person: Person,
    decision: PersonnelDecision,
    parameters: dict[str, Any] | None,
    today: date,
) -> PersonnelDecision:
    personal_id = person.personal_id
    # One registration per dossier at a time, so the duplicate check below cannot race.
    person_locked(personal_id)
    earlier = decisions_matching(
        personal_id=personal_id,
        decision_type=decision.decision_type,
        number=decision.number,
        issuer=decision.issuer,
    )
    live = _live(earlier)
    if live:
        raise ValidationFailed([_duplicate(live, decision.number, decision.issuer)], NOT_SAVED)
    params = parameters if parameters is not None else {}
    decision.parameters = json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)
    data = current_data(personal_id, acting_user=acting_user) or {}
    operations = effects.operations_for(decision, data, params)
    over = quota_breaches(
        decision_type=decision.decision_type,
        data=data,
        parameters=params,
        on=decision.effective_date,
    )
    if over and not decision.quota_reason:
        raise ValidationFailed([_over_quota(over)], NOT_SAVED)
    if operations is not None:
        decision.changeset = changeset_propose(
            acting_user=acting_user,
            personal_id=personal_id,
            operations=operations,
            source_kind=SourceKind.DECISION,
            source_note=_source_note(decision),
            today=max(today, decision.effective_date),
        )
    decision.save()
    obligation = None
    if decision.changeset is not None:
        obligation = _obligation_for(decision, earlier, person, acting_user)
    recorder.record(
        user=acting_user,
        action=AuditAction.CHANGESET,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        sections=decision.changeset.sections if decision.changeset else [],
        purpose=Purpose.DECISION_REGISTER,
        detail={
            "decision": decision.pk,
            "decision_type": decision.decision_type,
            "changeset": decision.changeset_id,
            "obligation": obligation.pk if obligation else None,
            "over_quota": [
                {"unit": q.organization.code, "year": q.year, "quota": q.quota} for q in over
            ],
        },
    )
    return decision


def decision_writer(user: User, personal_id: str, purpose: Purpose) -> policies.DossierAccess:
    """The dossier `user` may register a decision on (a clerk's or records manager's duty over
    it, `policies.dossier_write`; `NotFound` otherwise, the denial audited), opened as a read
    for `purpose` (audited: the page shows the person and what the decision would change)."""
    policies.dossier_write(user, personal_id, purpose, WRITING_ROLES)
    return policies.dossier_access(user, personal_id, purpose=purpose)


def may_register(user: User, person: Person) -> bool:
    """Whether `user` holds a clerk's or records manager's duty over `person`'s unit (for a
    page that offers the registration; nothing recorded — registering is gated itself)."""
    return policies.gate_for(user).duty_covers(WRITING_ROLES, person.current_unit.path)


@dataclass
class DecisionPreview:
    """What registering a decision would do, computed without writing anything."""

    access: policies.DossierAccess
    decision: PersonnelDecision  # unsaved
    operations: list[dict[str, Any]] | None = None
    changes: list[FieldChange] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    eligibility: engine.Verdict | None = None  # the one engine's reasons (issue 12)
    over_quota: list[QuotaStanding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """Registering would be refused (each reason in `problems`)."""
        return bool(self.problems)


def decision_preview(
    *,
    acting_user: User,
    decision_type: str,
    number: str,
    signed_date: date,
    issuer: str,
    received_date: date,
    effective_date: date,
    personal_id: str,
    parameters: dict[str, Any] | None = None,
    summary: str = "",
    quota_reason: str = "",
    today: date | None = None,
) -> DecisionPreview:
    """What `decision_register` would do with these arguments, nothing written: the change
    set's operations and their field-by-field diff as the caller may see the dossier (masked,
    as a reviewer's `changeset_diff`), the verdict of each eligibility rule that applies with
    its legal basis, the staffing quotas a joining decision would exceed, and every problem
    that would refuse the registration (header, parameters, effect, the dossier after it,
    duplicate, missing quota reason).

    Same gate as registering (`policies.dossier_write`, `NotFound` otherwise, the denial
    audited); the preview is a read of the dossier, audited as one (`Purpose.DECISION_PREVIEW`).
    """
    today = today or local_today()
    number, issuer, summary = number.strip(), issuer.strip(), (summary or "").strip()
    quota_reason = (quota_reason or "").strip()
    problems = _header_problems(
        decision_type=decision_type,
        number=number,
        signed_date=signed_date,
        issuer=issuer,
        received_date=received_date,
        effective_date=effective_date,
        summary=summary,
        quota_reason=quota_reason,
        today=today,
    )
    access = decision_writer(acting_user, personal_id, Purpose.DECISION_PREVIEW)
    params = parameters if parameters is not None else {}
    decision = PersonnelDecision(
        decision_type=decision_type,
        number=number,
        signed_date=signed_date,
        issuer=issuer,
        received_date=received_date,
        effective_date=effective_date,
        personal_id=access.person.personal_id,
        summary=summary,
        quota_reason=quota_reason,
        parameters=json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
        registered_by=acting_user,
    )
    preview = DecisionPreview(access=access, decision=decision, problems=problems)
    if any(p.code == "unknown_decision_type" for p in problems):
        return preview
    live = _live(
        decisions_matching(
            personal_id=decision.personal_id,
            decision_type=decision_type,
            number=number,
            issuer=issuer,
        )
    )
    if live and number and issuer:
        preview.problems.append(_duplicate(live, number, issuer))
    data = current_data(decision.personal_id, acting_user=acting_user) or {}
    refusals: list[Problem] = []
    try:
        preview.operations = effects.operations_for(decision, data, params)
    except ValidationFailed as refused:
        refusals = list(refused.problems)
        preview.problems += refusals
    if data:
        preview.eligibility = engine_verdict(
            decision_type, decision.personal_id, data, effective_date, position_of(params)
        )
    preview.verdicts = verdicts(decision_type, refusals, preview.eligibility, data, effective_date)
    if preview.operations:
        after = apply_operations(data, preview.operations)
        preview.problems += validate_dossier(
            after, ref=load_reference(), today=max(today, effective_date)
        )
        shown = ChangeSet(operations=json.dumps(preview.operations, default=str))
        preview.changes = changeset_diff(access, shown)
    if not refusals:
        preview.over_quota = quota_breaches(
            decision_type=decision_type, data=data, parameters=params, on=effective_date
        )
        if preview.over_quota and not quota_reason:
            preview.problems.append(_over_quota(preview.over_quota))
    return preview


def _obligation_for(
    decision: PersonnelDecision, earlier: list[PersonnelDecision], person: Person, user: User
) -> Obligation:
    source = f"decision:{decision.pk}"
    carried = (
        Obligation.objects.select_for_update()
        .filter(
            kind=ObligationKind.ENTER_DECISION,
            source__in=[f"decision:{d.pk}" for d in earlier],
            done_at__isnull=True,
        )
        .order_by("start_date")
        .first()
    )
    if carried is not None:
        return obligation_relink(obligation=carried, changeset=decision.changeset, source=source)
    return obligation_open(
        kind=ObligationKind.ENTER_DECISION,
        personal_id=decision.personal_id,
        start_date=decision.received_date,
        source=source,
        unit=person.current_unit,
        officer=user,
        changeset=decision.changeset,
        acting_user=user,
    )
