"""/api/v1/people/{id}/eligibility: the one eligibility engine's verdict (R-APPOINT-SAFE).

The caller must pass the read gate for the dossier like any person endpoint; the check is
audited as ELIGIBILITY_CHECK. The engine reads the whole dossier (system reader), so a reason's
facts are returned only when the caller may see the sections the rule reads.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hoso.access import policies, recorder
from hoso.access.models import User
from hoso.api.params import OptDate, responses
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.core.dates import today
from hoso.eligibility import engine

router = Router(tags=["Điều kiện, tiêu chuẩn"])


class EligibilityParams(Schema):
    action: str = Field(max_length=32, description="Hành động: " + ", ".join(engine.ACTIONS))
    on: OptDate = None
    position: str | None = Field(None, max_length=64, description="Mã chức vụ (danh mục position)")


class ReasonOut(Schema):
    rule: str
    label: str
    citation: str
    passed: bool
    facts: dict[str, Any] | None = Field(description="Dữ kiện đã dùng; null nếu bị che")
    until: date | None
    message: str


class EligibilityOut(Schema):
    personal_id: str
    action: str
    on: date
    position: str | None
    eligible: bool
    reasons: list[ReasonOut]


@router.get(
    "/people/{personal_id}/eligibility",
    response=responses({200: EligibilityOut}, 403, 404),
    summary="Xét điều kiện, tiêu chuẩn cho một hành động nhân sự vào một ngày",
)
def person_eligibility(
    request: HttpRequest, personal_id: str, params: Query[EligibilityParams]
) -> dict:
    on = params.on or today()
    engine.check_arguments(params.action, params.position)
    access = policies.dossier_access(request.user, personal_id, purpose=Purpose.API)
    user = request.user if isinstance(request.user, User) else None
    verdict = engine.evaluate(
        access.person, params.action, on, position=params.position, acting_user=user
    )
    recorder.record(
        user=request.user,
        action=AuditAction.ELIGIBILITY_CHECK,
        outcome=AuditOutcome.OK,
        personal_id=personal_id,
        purpose=Purpose.API,
        detail={"action": params.action, "on": on.isoformat(), "eligible": verdict.eligible},
    )
    return verdict_out(access, verdict)


def verdict_out(access: policies.DossierAccess, verdict: engine.Verdict) -> dict:
    """The verdict as the API shows it: a reason's facts only where `access` sees them."""
    masked = access.masked
    return {
        "personal_id": verdict.personal_id,
        "action": verdict.action,
        "on": verdict.on,
        "position": verdict.position,
        "eligible": verdict.eligible,
        "reasons": [
            {
                "rule": r.rule,
                "label": r.label,
                "citation": r.citation,
                "passed": r.passed,
                "facts": r.facts if engine.facts_visible(masked, r.rule) else None,
                "until": r.until,
                "message": r.message,
            }
            for r in verdict.reasons
        ],
    }
