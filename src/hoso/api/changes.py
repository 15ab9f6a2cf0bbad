"""/api/v1/decisions and /api/v1/obligations: personnel decisions and the deadlines to enter
them (thin: parse, call `hoso.changes.services` / `selectors`, render).

Reading goes through the access gate: a decision is shown only to someone who may open its
person's dossier (`policies.dossier_access`, audited), and its parameters only when every
field it changes is visible to them; obligations are listed inside `obligation_scope`.
Registering needs a clerk's or records manager's duty over the person (`decision_register`);
a decision whose parameters do not fit its type (`changes.effects.PARAMETERS`) is refused with
the reason per parameter, one over a unit's staffing quota without `quota_reason`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hoso.access import policies, recorder
from hoso.api.eligibility import EligibilityOut, verdict_out
from hoso.api.params import PAGE_SIZE_MAX, IsoDate, ObjectId, OptPageSize, Page, responses
from hoso.audit.purposes import Purpose
from hoso.calendar import selectors as calendar_selectors
from hoso.calendar.choices import ObligationStatusChoices
from hoso.calendar.engine import Calendar
from hoso.catalog.selectors import name_of
from hoso.changes.models import Obligation, PersonnelDecision
from hoso.changes.selectors import decisions, obligations, records
from hoso.changes.services.decisions import decision_preview, decision_register
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.selectors import org_get

router = Router(tags=["Quyết định nhân sự, đề xuất, việc cần làm"])


class DecisionIn(Schema):
    decision_type: str
    number: str
    signed_date: IsoDate
    issuer: str
    received_date: IsoDate
    effective_date: IsoDate
    personal_id: str
    summary: str = ""
    parameters: dict[str, Any] = {}
    # Needed when the decision brings the person into a unit over its staffing quota.
    quota_reason: str = ""


class ProblemOut(Schema):
    code: str
    message: str
    field: str


class FieldChangeOut(Schema):
    section: str
    row: int | None
    field: str
    before: Any = None
    after: Any = None
    masked: bool


class VerdictOut(Schema):
    code: str
    label: str
    passed: bool
    reason: str
    legal_basis: str


class QuotaOut(Schema):
    unit_code: str
    unit_name: str
    year: int
    staff_category: str
    quota: int
    headcount: int
    legal_basis: str


class DecisionPreviewOut(Schema):
    blocked: bool
    changes: list[FieldChangeOut]
    verdicts: list[VerdictOut]
    eligibility: EligibilityOut | None = Field(
        None, description="Phán quyết của bộ xét điều kiện (cùng lý do như /eligibility)"
    )
    over_quota: list[QuotaOut]
    problems: list[ProblemOut]


class ObligationOut(Schema):
    id: int
    kind: str
    kind_label: str
    personal_id: str
    unit_code: str | None
    unit_name: str | None
    officer: str | None
    source: str
    start_date: date
    due_date: date
    status: str
    status_label: str
    done_on: date | None
    policy_code: str
    rule_code: str
    legal_basis: str


class ChangeSetRef(Schema):
    id: int
    status: str
    status_label: str
    resulting_version: int | None


class DecisionOut(Schema):
    id: int
    decision_type: str
    decision_type_name: str
    number: str
    signed_date: date
    issuer: str
    received_date: date
    effective_date: date
    personal_id: str
    summary: str
    quota_reason: str
    parameters: dict[str, Any] | None
    masked: dict[str, str]
    registered_by: str
    registered_at: datetime
    changeset: ChangeSetRef | None
    obligations: list[ObligationOut]


# The statuses as an enum of the OpenAPI ("" = any).
ObligationStatusParam = Literal[("", *ObligationStatusChoices.values)]  # type: ignore[valid-type]


class ObligationParams(Schema):
    unit: str = ""
    status: ObligationStatusParam = ""
    officer: str = ""
    page: Page = 1
    page_size: OptPageSize = None


class ObligationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ObligationOut]


class UnitCountOut(Schema):
    unit_code: str | None
    unit_name: str | None
    total: int
    open: int
    on_time: int
    due_soon: int
    overdue: int
    done: int
    done_late: int


def _obligation(row: Obligation, calendar: Calendar) -> dict[str, Any]:
    status = obligations.status_of(row, calendar=calendar)
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "personal_id": row.personal_id,
        "unit_code": row.unit.code if row.unit else None,
        "unit_name": row.unit.name if row.unit else None,
        "officer": row.officer.get_username() if row.officer else None,
        "source": row.source,
        "start_date": row.start_date,
        "due_date": row.due_date,
        "status": status.value,
        "status_label": ObligationStatusChoices(status.value).label,
        "done_on": obligations.done_on(row),
        "policy_code": row.policy_code,
        "rule_code": row.rule_code,
        "legal_basis": row.legal_basis,
    }


def _decision(
    decision: PersonnelDecision, access: policies.DossierAccess | None = None
) -> dict[str, Any]:
    hidden = decisions.decision_hidden_fields(decision, access)
    masked = (
        {"parameters": policies.mask_note(policies.field_classes()[hidden[0]])} if hidden else {}
    )
    changeset = decision.changeset
    return {
        "id": decision.pk,
        "decision_type": decision.decision_type,
        "decision_type_name": name_of("decision_type", decision.decision_type),
        "number": decision.number,
        "signed_date": decision.signed_date,
        "issuer": decision.issuer,
        "received_date": decision.received_date,
        "effective_date": decision.effective_date,
        "personal_id": decision.personal_id,
        "summary": decision.summary,
        "quota_reason": decision.quota_reason,
        "parameters": None if hidden else decisions.decision_parameters(decision),
        "masked": masked,
        "registered_by": decision.registered_by.get_username(),
        "registered_at": decision.registered_at,
        "changeset": {
            "id": changeset.pk,
            "status": changeset.status,
            "status_label": changeset.get_status_display(),
            "resulting_version": changeset.resulting_version,
        }
        if changeset
        else None,
        "obligations": [
            _obligation(o, calendar_selectors.calendar())
            for o in decisions.decision_obligations(decision)
        ],
    }


@router.post(
    "/decisions",
    response=responses({201: DecisionOut}, 400, 403, 404),
    summary="Đăng ký quyết định nhân sự và đề xuất cập nhật hồ sơ theo quyết định",
)
def decision_create(request: HttpRequest, body: DecisionIn) -> Status:
    decision = decision_register(acting_user=request.user, **body.dict())
    # The registrant gave the parameters themself: they are shown back in full.
    return Status(201, _decision(decision))


@router.post(
    "/decisions/preview",
    response=responses({200: DecisionPreviewOut}, 403, 404),
    summary="Xem trước tác động của quyết định nhân sự, không lưu gì",
)
def decision_preview_create(request: HttpRequest, body: DecisionIn) -> dict[str, Any]:
    """What registering would do: the field-by-field change as the caller may see the dossier,
    the eligibility rules' verdicts with their legal basis, the staffing quotas exceeded, and
    every reason the registration would be refused. Nothing is written; the read is audited."""
    preview = decision_preview(acting_user=request.user, **body.dict())
    access = preview.access
    return {
        "blocked": preview.blocked,
        "changes": [
            {
                "section": c.section,
                "row": c.row,
                "field": c.field,
                "before": c.before,
                "after": c.after,
                "masked": not access.can_see(f"{c.section}.{c.field}"),
            }
            for c in preview.changes
        ],
        "verdicts": [asdict(v) for v in preview.verdicts],
        "eligibility": verdict_out(preview.access, preview.eligibility)
        if preview.eligibility
        else None,
        "over_quota": [
            {
                "unit_code": q.organization.code,
                "unit_name": q.organization.name,
                "year": q.year,
                "staff_category": q.staff_category,
                "quota": q.quota,
                "headcount": q.headcount,
                "legal_basis": q.legal_basis,
            }
            for q in preview.over_quota
        ],
        "problems": [p.as_dict() for p in preview.problems],
    }


@router.get(
    "/people/{personal_id}/decisions",
    response=responses({200: list[DecisionOut]}, 404),
    summary="Các quyết định nhân sự của một hồ sơ, trong phạm vi được xem hồ sơ",
)
def decision_list(request: HttpRequest, personal_id: str) -> list[dict[str, Any]]:
    access = policies.dossier_access(request.user, personal_id, purpose=Purpose.DECISIONS)
    return [_decision(d, access) for d in decisions.decisions_of(access.person.personal_id)]


@router.get(
    "/decisions/{decision_id}",
    response=responses({200: DecisionOut}, 404),
    summary="Một quyết định nhân sự, trong phạm vi được xem hồ sơ",
)
def decision_detail(request: HttpRequest, decision_id: ObjectId) -> dict[str, Any]:
    decision, access = records.decision_for(request.user, decision_id)
    return _decision(decision, access)


def _filters(params: ObligationParams) -> dict[str, Any]:
    problems: list[Problem] = []
    unit = None
    if params.unit:
        unit = org_get(params.unit)
        if unit is None:
            problems.append(Problem("unknown_unit", f"Đơn vị «{params.unit}» không có.", "unit"))
    if params.status and params.status not in ObligationStatusChoices.values:
        allowed = ", ".join(ObligationStatusChoices.values)
        problems.append(
            Problem("bad_choice", f"Trạng thái phải là một trong: {allowed}.", "status")
        )
    if params.page < 1:
        problems.append(Problem("bad_page", "Trang phải từ 1 trở lên.", "page"))
    if problems:
        raise ValidationFailed(problems)
    return {"unit": unit, "status": params.status}


@router.get(
    "/obligations",
    response=responses({200: ObligationPage}),
    summary="Việc phải cập nhật hồ sơ theo thời hạn: theo đơn vị, trạng thái, người phụ trách",
)
def obligation_list(request: HttpRequest, params: Query[ObligationParams]) -> dict[str, Any]:
    filters = _filters(params)
    size = min(params.page_size or settings.HOSO_PAGE_SIZE, PAGE_SIZE_MAX)
    scope = obligations.obligation_scope(request.user)
    if params.officer:
        scope &= obligations.officer_q(params.officer)
    qs = obligations.obligations_list(scope=scope, **filters)
    start = (params.page - 1) * size
    page = list(qs[start : start + size])
    total = qs.count()
    calendar = calendar_selectors.calendar()  # once for the page's statuses
    recorder.obligations_listed(
        request.user, query=params.dict(), shown=[o.personal_id for o in page], total=total
    )
    return {
        "count": total,
        "page": params.page,
        "page_size": size,
        "results": [_obligation(o, calendar) for o in page],
    }


@router.get(
    "/obligations/counts",
    response=responses({200: list[UnitCountOut]}),
    summary="Số việc đúng hạn, sắp đến hạn, quá hạn theo đơn vị",
)
def obligation_counts(request: HttpRequest, unit: str = "") -> list[dict[str, Any]]:
    root = None
    if unit:
        root = org_get(unit)
        if root is None:
            raise ValidationFailed([Problem("unknown_unit", f"Đơn vị «{unit}» không có.", "unit")])
    rows = obligations.counts_by_unit(scope=obligations.obligation_scope(request.user), root=root)
    return [
        {
            "unit_code": r["unit__code"],
            "unit_name": r["unit__name"],
            **{k: r[k] for k in UnitCountOut.model_fields if k in r},
        }
        for r in rows
    ]
