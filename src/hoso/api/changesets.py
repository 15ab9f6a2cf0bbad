"""/api/v1/changesets: create a dossier or propose section changes, read a change set, approve
(signed) or reject it — the same one change path as the pages (R-10D-CREATE, R-EQUIV,
R-CORRECT). Thin: parse, call `hoso.changes.services.changesets` / `selectors`, render.

Proposing passes the write gate (a dossier the caller may not open answers the 404 of a
missing one, audited); a creation on an id that has a dossier is refused with
`dossier_exists` and nothing more; `base_version` makes a stale proposal a `stale_form`
refusal naming what changed. Reading shows the field-by-field diff as the gate lets the
reader see it (hidden fields masked). Approving signs with the approver's key, as the web."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from hoso import identity
from hoso.access import policies
from hoso.api.params import ID_MAX, ObjectId, OptDate, responses
from hoso.changes.models import ChangeSet
from hoso.changes.selectors import changesets as changeset_selectors
from hoso.changes.selectors import records
from hoso.changes.services import changesets as changeset_services
from hoso.core.errors import ValidationFailed
from hoso.people.sections import BY_KEY, field_label
from hoso.population import services as population

router = Router(tags=["Đề xuất thay đổi hồ sơ"])

SourceKindIn = Literal["paper", "decision", "self"]


class ChangeSetIn(Schema):
    personal_id: str = Field(min_length=1, max_length=12)
    operations: list[dict[str, Any]] = Field(min_length=1, max_length=500)
    source_kind: SourceKindIn
    paper_confirmed_on: OptDate = None
    source_note: str = Field("", max_length=300)
    base_version: int | None = Field(
        None, ge=0, le=ID_MAX, description="Phiên bản hồ sơ mà đề xuất được lập trên đó"
    )


class RejectIn(Schema):
    reason: str = Field(max_length=500)


class FieldChangeOut(Schema):
    section: str
    section_title: str
    row: int | None
    field: str
    field_label: str
    before: Any
    after: Any
    masked: bool


class ChangeSetOut(Schema):
    id: int
    personal_id: str
    status: str
    status_label: str
    creates_dossier: bool
    sections: list[str]
    source_kind: str
    paper_confirmed_on: date | None
    source_note: str
    base_version: int
    proposer: str
    proposed_at: datetime
    reviewer: str | None
    reviewed_at: datetime | None
    review_reason: str
    resulting_version: int | None
    changes: list[FieldChangeOut] | None
    changes_problem: str
    # A creation's lookup in the population database (R-POPULATION): its stable code, and
    # whether the identity fields were filled from it (otherwise typed, unverified).
    population_code: str | None = None
    population_verified: bool | None = None


class ApprovalOut(Schema):
    changeset: int
    status: str
    version: int
    sha256: str


def _changes(access: Any, changeset: ChangeSet) -> tuple[list[dict[str, Any]] | None, str]:
    try:
        found = changeset_selectors.changeset_diff(access, changeset)
    except ValidationFailed as error:  # operations that no longer apply to the dossier
        return None, "; ".join(p.message for p in error.problems)
    out = []
    for c in found:
        visible = access.can_see(f"{c.section}.{c.field}")
        section = BY_KEY[c.section]
        out.append(
            {
                "section": c.section,
                "section_title": section.title,
                "row": c.row,
                "field": c.field,
                "field_label": field_label(section, c.field),
                "before": c.before if visible else None,
                "after": c.after if visible else None,
                "masked": not visible,
            }
        )
    return out, ""


def _out(changeset: ChangeSet, access: Any = None) -> dict[str, Any]:
    changes, problem = _changes(access, changeset) if access is not None else (None, "")
    return {
        "id": changeset.pk,
        "personal_id": changeset.personal_id,
        "status": changeset.status,
        "status_label": changeset.get_status_display(),
        "creates_dossier": changeset.creates_dossier,
        "sections": list(changeset.sections),
        "source_kind": changeset.source_kind,
        "paper_confirmed_on": changeset.paper_confirmed_on,
        "source_note": changeset.source_note,
        "base_version": changeset.base_version,
        "proposer": changeset.proposer.get_username(),
        "proposed_at": changeset.proposed_at,
        "reviewer": changeset.reviewer.get_username() if changeset.reviewer else None,
        "reviewed_at": changeset.reviewed_at,
        "review_reason": changeset.review_reason,
        "resulting_version": changeset.resulting_version,
        "changes": changes,
        "changes_problem": problem,
    }


@router.post(
    "/changesets",
    response=responses({201: ChangeSetOut}, 400, 403, 404),
    summary="Tạo hồ sơ mới hoặc đề xuất thay đổi các mục của hồ sơ (chờ phê duyệt)",
)
def changeset_create(request: HttpRequest, body: ChangeSetIn) -> Status:
    fields = body.dict()
    lookup = _population_lookup(request, fields)
    if lookup is not None:
        outcome, kept = lookup
        fields["operations"] = population.filled(fields["operations"], outcome)
    proposal = changeset_services.changeset_propose(acting_user=request.user, **fields)
    # The proposer sent the operations themself; the change set is shown without its diff
    # (read it with GET, through the gate).
    out = _out(proposal)
    if lookup is not None:
        population.lookup_attach(kept, proposal)
        out["population_code"] = kept.code
        out["population_verified"] = kept.verified
    return Status(201, out)


def _population_lookup(request: HttpRequest, fields: dict[str, Any]) -> Any:
    """A writer's creation of a dossier that may be created asks the population database
    first; anything else (and any refusal, said by `changeset_propose`) asks nothing."""
    ops = fields.get("operations")
    first = ops[0] if isinstance(ops, list) and ops else None
    pid = fields.get("personal_id", "")
    if not (isinstance(first, dict) and first.get("op") == "create"):
        return None
    if not (policies.roles_of(request.user) & changeset_services.WRITING_ROLES):
        return None
    if not isinstance(pid, str) or identity.validate(pid):
        return None
    if changeset_services.creation_refusal(pid) is not None:
        return None
    return population.lookup(acting_user=request.user, personal_id=pid)


@router.get(
    "/changesets/{changeset_id}",
    response=responses({200: ChangeSetOut}, 404),
    summary="Một đề xuất thay đổi: trạng thái, các mục, thay đổi từng trường (đã che theo quyền)",
)
def changeset_detail(request: HttpRequest, changeset_id: ObjectId) -> dict[str, Any]:
    changeset, access = records.changeset_read(request.user, changeset_id)
    return _out(changeset, access)


@router.post(
    "/changesets/{changeset_id}/approve",
    response=responses({200: ApprovalOut}, 400, 403, 404),
    summary="Phê duyệt và ký số một đề xuất thay đổi (cán bộ quản lý hồ sơ khác người đề xuất)",
)
def changeset_approve(request: HttpRequest, changeset_id: ObjectId) -> dict[str, Any]:
    version = changeset_services.changeset_approve(
        acting_user=request.user, changeset_id=changeset_id
    )
    return {
        "changeset": changeset_id,
        "status": "applied",
        "version": version.number,
        "sha256": version.sha256,
    }


@router.post(
    "/changesets/{changeset_id}/reject",
    response=responses({200: ChangeSetOut}, 400, 403, 404),
    summary="Từ chối một đề xuất thay đổi, có lý do",
)
def changeset_reject(request: HttpRequest, changeset_id: ObjectId, body: RejectIn) -> dict:
    changeset = changeset_services.changeset_reject(
        acting_user=request.user, changeset_id=changeset_id, reason=body.reason
    )
    return _out(changeset)
