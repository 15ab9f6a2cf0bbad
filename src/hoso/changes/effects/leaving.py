"""Leaving service: resignation, retirement, staff reduction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.changes.effects.common import Data, Ops, Params, end_service, type_name
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
