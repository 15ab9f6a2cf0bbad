"""/api/v1/procedures: start a personnel procedure, upload the documents of its current step
(PAdES-signed with the actor's key), act on the step (CMS-signed with the actor's key), the
work waiting for the caller, a procedure's signed history (R-ONLINE-100).
Thin: parse, call `hoso.procedures.services` / `selectors`, render."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from hoso.api.params import ID_MAX, ObjectId, responses
from hoso.procedures import planning, reduction, selectors, services
from hoso.procedures.models import Procedure

router = Router(tags=["Quy trình nhân sự"])


class ProcedureIn(Schema):
    procedure_type: str = Field(min_length=1, max_length=32)
    personal_id: str = Field(min_length=1, max_length=12)
    params: dict[str, Any] = Field(default_factory=dict)


class StepIn(Schema):
    step_code: str = Field(min_length=1, max_length=64)
    outcome: Literal["approve", "reject"]
    revision: int = Field(ge=0, le=ID_MAX, description="Phiên bản quy trình mà bạn đã xem")
    idempotency_key: str = Field(min_length=1, max_length=64)
    reason: str = Field("", max_length=500)
    data: dict[str, Any] = Field(default_factory=dict)


class DocumentIn(Schema):
    step_code: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=32, description="Mã tài liệu (procedure_document)")


class DocumentOut(Schema):
    id: int
    step_code: str
    code: str
    filename: str
    sha256: str
    size: int
    certificate_serial: str


class StepOut(Schema):
    step_code: str
    duty: str
    actor: str
    acted_at: datetime
    outcome: str
    reason: str
    data: dict[str, Any]
    deadline: date
    overdue: bool
    certificate_serial: str


class ProcedureOut(Schema):
    id: int
    procedure_type: str
    type_version: int
    personal_id: str
    unit_code: str
    params: dict[str, Any]
    state: str
    state_label: str
    current_step: str
    current_due: date | None
    revision: int
    decision_id: int | None
    started_by: str
    started_at: datetime
    steps: list[StepOut]


class CandidatesParams(Schema):
    unit: str = Field(
        min_length=1, max_length=64, description="Mã đơn vị (người của chính đơn vị này)"
    )
    year: int = Field(ge=1945, le=9999, description="Năm xét: năm đánh giá gần nhất")


class CriterionMetOut(Schema):
    code: str
    name: str
    legal_basis: str
    grades: dict[str, str] = Field(description="Mức xếp loại của từng năm tiêu chí dựa vào")


class CandidateOut(Schema):
    personal_id: str
    full_name: str
    unit_code: str
    criteria: list[CriterionMetOut]


class PlanningParams(Schema):
    unit: str = Field(min_length=1, max_length=64, description="Mã đơn vị")
    term: str = Field(
        min_length=1, max_length=9, description="Nhiệm kỳ (planning_term), ví dụ 2026-2031"
    )


class PlanningPlaceOut(Schema):
    term: str
    position_code: str
    organization: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    decision_number: str | None = None
    removal_reason: str | None = None


class PlanningEntryOut(Schema):
    personal_id: str
    full_name: str
    rows: list[PlanningPlaceOut]


def _out(procedure: Procedure) -> dict[str, Any]:
    return {
        "id": procedure.pk,
        "procedure_type": procedure.procedure_type,
        "type_version": procedure.type_version,
        "personal_id": procedure.personal_id,
        "unit_code": procedure.unit_code,
        "params": procedure.params,
        "state": procedure.state,
        "state_label": procedure.get_state_display(),
        "current_step": procedure.current_step,
        "current_due": procedure.current_due,
        "revision": procedure.revision,
        "decision_id": procedure.decision_id,
        "started_by": procedure.started_by.get_username(),
        "started_at": procedure.started_at,
        "steps": [
            {
                "step_code": s.step_code,
                "duty": s.duty,
                "actor": s.actor.get_username(),
                "acted_at": s.acted_at,
                "outcome": s.outcome,
                "reason": s.reason,
                "data": s.data,
                "deadline": s.deadline,
                "overdue": s.overdue,
                "certificate_serial": s.certificate_serial,
            }
            for s in procedure.steps.select_related("actor")
        ],
    }


@router.post(
    "/procedures",
    response=responses({201: ProcedureOut}, 400, 403, 404),
    summary="Bắt đầu một quy trình nhân sự (bổ nhiệm, luân chuyển, đánh giá, tinh giản...)",
)
def procedure_start(request: HttpRequest, body: ProcedureIn) -> Status:
    procedure = services.procedure_start(acting_user=request.user, **body.dict())
    return Status(201, _out(procedure))


@router.get(
    "/procedures",
    response=responses({200: list[ProcedureOut]}),
    summary="Các quy trình đang chờ bạn thực hiện bước hiện tại",
)
def procedures_waiting(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(p) for p in selectors.procedures_waiting(request.user)]


@router.get(
    "/procedures/staff-reduction/candidates",
    response=responses({200: list[CandidateOut]}),
    summary="Những người của một đơn vị thuộc tiêu chí tinh giản biên chế trong năm xét",
)
def staff_reduction_candidates(
    request: HttpRequest, params: Query[CandidatesParams]
) -> list[reduction.Candidate]:
    return reduction.candidates(request.user, params.unit, params.year)


@router.get(
    "/procedures/planning",
    response=responses({200: list[PlanningEntryOut]}),
    summary="Danh sách quy hoạch của một đơn vị trong một nhiệm kỳ (cả người đã đưa ra, có lý do)",
)
def planning_list(
    request: HttpRequest, params: Query[PlanningParams]
) -> list[planning.PlanningEntry]:
    return planning.planning_list(request.user, params.unit, params.term)


@router.get(
    "/procedures/{procedure_id}/documents/{document_id}",
    response=responses({200: None}, 404, 409),
    summary="Tải tài liệu đã ký số (PDF, chữ ký PAdES) của một bước quy trình",
)
def document_download(
    request: HttpRequest, procedure_id: ObjectId, document_id: ObjectId
) -> HttpResponse:
    """The exact signed bytes: their SHA-256 is the one the step's CMS record names."""
    signed = selectors.document_open(request.user, procedure_id, document_id)
    response = HttpResponse(signed.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{signed.filename}"'
    response["X-Hoso-Sha256"] = signed.sha256
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/procedures/{procedure_id}",
    response=responses({200: ProcedureOut}, 404),
    summary="Một quy trình và lịch sử các bước đã ký số",
)
def procedure_detail(request: HttpRequest, procedure_id: ObjectId) -> dict[str, Any]:
    return _out(selectors.procedure_read(request.user, procedure_id))


@router.post(
    "/procedures/{procedure_id}/steps",
    response=responses({200: ProcedureOut}, 400, 403, 404, 409),
    summary="Thực hiện (đồng ý hoặc từ chối, ký số) bước hiện tại của quy trình",
)
def step_act(request: HttpRequest, procedure_id: ObjectId, body: StepIn) -> dict[str, Any]:
    step = services.step_act(acting_user=request.user, procedure_id=procedure_id, **body.dict())
    return _out(step.procedure)


@router.post(
    "/procedures/{procedure_id}/documents",
    response=responses({201: DocumentOut}, 400, 403, 404, 409),
    summary="Tải lên tài liệu (PDF) của bước hiện tại; hệ thống ký số PAdES bằng khóa của bạn",
)
def document_attach(
    request: HttpRequest,
    procedure_id: ObjectId,
    form: Form[DocumentIn],
    file: File[UploadedFile],
) -> Status:
    """The document's id goes into the step's `data.documents` ({code: id})."""
    document = services.document_attach(
        acting_user=request.user,
        procedure_id=procedure_id,
        filename=file.name or "",
        content=file,
        **form.dict(),
    )
    return Status(
        201,
        {
            "id": document.pk,
            "step_code": document.step_code,
            "code": document.code,
            "filename": document.filename,
            "sha256": document.sha256,
            "size": document.size,
            "certificate_serial": document.certificate_serial,
        },
    )
