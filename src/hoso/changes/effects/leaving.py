"""Leaving service: resignation, retirement, staff reduction, death."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    employment_of,
    end_service,
    refuse,
    type_name,
)
from hoso.core.dates import vn
from hoso.people.models import StaffStatus

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Leaving service: resignation, retirement, staff reduction -----------------------------------

LEAVING = {
    "retirement": StaffStatus.RETIRED,
    "resignation": StaffStatus.RESIGNED,
}
REDUCTION_OUTCOMES = {
    StaffStatus.RETIRED.value: "nghỉ hưu trước tuổi",
    StaffStatus.RESIGNED.value: "thôi việc",
}


def leave_service(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    Params(params).check()
    status = LEAVING[decision.decision_type]
    return end_service(
        decision, data, status, f"{type_name(decision)} từ {vn(decision.effective_date)}"
    )


def staff_reduction(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    outcome = p.choice("outcome", "Hình thức giải quyết", REDUCTION_OUTCOMES, required=True)
    p.check()
    text = f"Tinh giản biên chế ({REDUCTION_OUTCOMES[outcome]}) từ {vn(decision.effective_date)}"
    return end_service(decision, data, outcome, text)


def death(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """Recorded from the death certificate or notice (Luật Hộ tịch 2014): service ends with
    status "deceased" from the date of death (the effective date), which comes before the
    certificate is signed; a ``death`` career event records it."""
    Params(params).check()
    if employment_of(data).get("status") == StaffStatus.DECEASED:
        raise refuse("already_deceased", "Hồ sơ đã ghi nhận người này từ trần.", "decision_type")
    return end_service(
        decision,
        data,
        StaffStatus.DECEASED,
        f"Từ trần ngày {vn(decision.effective_date)}",
        before_signed=True,
    )
