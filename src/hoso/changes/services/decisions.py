"""Registering personnel decisions (R-10D-DECISION, R-LIVE, R-APPOINT-SAFE).

A clerk registers the decision received from a competent authority; its effects
(`hoso.changes.effects`) become a change set proposed with source "decision", which a records
manager approves like any other (`services.changesets`). Registering also opens the duty to
enter it within the policy's deadline from the day it was received (`services.obligations`).
Reading them back is `selectors.decisions`.
"""

from __future__ import annotations

import json
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
from hoso.changes.models import (
    ChangeStatus,
    Obligation,
    ObligationKind,
    PersonnelDecision,
    SourceKind,
)
from hoso.changes.selectors.decisions import decisions_matching
from hoso.changes.services.changesets import WRITING_ROLES, changeset_propose, current_data
from hoso.changes.services.obligations import obligation_open, obligation_relink
from hoso.core.dates import today as local_today
from hoso.core.dates import vn
from hoso.core.errors import Problem, ValidationFailed
from hoso.people.models import Person
from hoso.people.selectors import person_locked

DEFAULT_MAX_FUTURE_DAYS = 366
LIVE_STATUSES = (ChangeStatus.PROPOSED, ChangeStatus.APPLIED)


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
    today: date | None = None,
) -> PersonnelDecision:
    """Register a decision, propose its effects, open the duty to enter it.

    Invariants (each refused with a Vietnamese reason; nothing is written):
    - the type is in the ``decision_type`` catalog; number and issuer are given; the decision
      is not signed or received in the future, not received before it was signed, and takes
      effect at most ``HOSO_DECISION_MAX_FUTURE_DAYS`` days from today;
    - the person's dossier exists, the caller may open it and a clerk's or records manager's
      duty of the caller covers it (`policies.dossier_write`) — otherwise the same `NotFound`
      as for a missing dossier (no existence oracle), the denial audited before the write's
      transaction;
    - a decision (type, number, issuer, person) is registered once; again only when its change
      set was rejected or withdrawn, and then the new registration takes over the open
      obligation (its deadline still runs from the first receipt);
    - the effects are computed on the dossier as it is now and proposed as one change set with
      source "decision", checked as the dossier will be on the effective date (a decision may
      take effect later than it is entered; it is approved once in force);
    - the obligation is due by the deadline policy counted from the day received.
    """
    today = today or local_today()
    number, issuer, summary = number.strip(), issuer.strip(), (summary or "").strip()
    problems = _header_problems(
        decision_type=decision_type,
        number=number,
        signed_date=signed_date,
        issuer=issuer,
        received_date=received_date,
        effective_date=effective_date,
        summary=summary,
        today=today,
    )
    if problems:
        raise ValidationFailed(problems, "Quyết định chưa đăng ký được; chưa lưu gì.")
    person = policies.dossier_write(
        acting_user, personal_id, Purpose.DECISION_REGISTER, WRITING_ROLES
    ).person
    return _decision_recorded(
        acting_user=acting_user,
        person=person,
        decision_type=decision_type,
        number=number,
        signed_date=signed_date,
        issuer=issuer,
        received_date=received_date,
        effective_date=effective_date,
        parameters=parameters,
        summary=summary,
        today=today,
    )


@transaction.atomic
def _decision_recorded(
    *,
    acting_user: User,
    person: Person,
    decision_type: str,
    number: str,
    signed_date: date,
    issuer: str,
    received_date: date,
    effective_date: date,
    parameters: dict[str, Any] | None,
    summary: str,
    today: date,
) -> PersonnelDecision:
    personal_id = person.personal_id
    # One registration per dossier at a time, so the duplicate check below cannot race.
    person_locked(personal_id)
    earlier = decisions_matching(
        personal_id=personal_id, decision_type=decision_type, number=number, issuer=issuer
    )
    live = [d for d in earlier if d.changeset is None or d.changeset.status in LIVE_STATUSES]
    if live:
        raise ValidationFailed(
            [
                Problem(
                    "duplicate_decision",
                    f"Quyết định số {number} của {issuer} đã được đăng ký ngày "
                    f"{vn(timezone.localdate(live[0].registered_at))}.",
                    "number",
                )
            ],
            "Quyết định chưa đăng ký được; chưa lưu gì.",
        )
    params = parameters if parameters is not None else {}
    decision = PersonnelDecision(
        decision_type=decision_type,
        number=number,
        signed_date=signed_date,
        issuer=issuer,
        received_date=received_date,
        effective_date=effective_date,
        personal_id=personal_id,
        summary=summary,
        parameters=json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
        registered_by=acting_user,
    )
    data = current_data(personal_id, acting_user=acting_user) or {}
    operations = effects.operations_for(decision, data, params)
    if operations is not None:
        decision.changeset = changeset_propose(
            acting_user=acting_user,
            personal_id=personal_id,
            operations=operations,
            source_kind=SourceKind.DECISION,
            source_note=_source_note(decision),
            today=max(today, effective_date),
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
            "decision_type": decision_type,
            "changeset": decision.changeset_id,
            "obligation": obligation.pk if obligation else None,
        },
    )
    return decision


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
