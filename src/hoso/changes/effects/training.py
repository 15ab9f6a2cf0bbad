"""Training, fostering and planning decisions: a training row, a career event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.catalog.selectors import name_of
from hoso.changes.effects.common import Data, Ops, Params, career_event, iso, refuse, type_name
from hoso.core.dates import vn

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# --- Training, planning --------------------------------------------------------------------------


def training(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    fostering = decision.decision_type == "fostering"
    p = Params(params)
    institution = p.text("institution", "Tên cơ sở đào tạo, bồi dưỡng", required=True)
    field_of_study = p.text("field_of_study", "Ngành học, nội dung", max_length=200)
    kind = p.code("kind", "Loại đào tạo, bồi dưỡng", "training_kind")
    mode = p.code("mode", "Hình thức đào tạo", "training_mode")
    qualification = p.code("qualification", "Văn bằng, trình độ", "qualification")
    diploma = p.text("diploma", "Văn bằng, chứng chỉ", max_length=200)
    start = p.day("from_date", "Ngày bắt đầu") or decision.effective_date
    end = p.day("to_date", "Ngày kết thúc")
    p.check()
    if end and end < start:
        raise refuse(
            "period_reversed",
            f"Ngày kết thúc {vn(end)} trước ngày bắt đầu {vn(start)}.",
            "parameters.to_date",
        )
    row = {
        # Codes of the training catalogs (stable identifiers, not numbers from law).
        "kind": kind or ("fostering" if fostering else "professional"),
        "institution": institution,
        "field_of_study": field_of_study,
        "from_date": iso(start),
        "to_date": iso(end),
        "mode": mode or ("short_course" if fostering else ""),
        "qualification": qualification,
        "diploma": diploma,
    }
    return [{"op": "add", "section": "training", "row": row}]


def planning(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    position_code = p.code("position_code", "Chức vụ được quy hoạch", "position")
    p.check()
    text = type_name(decision)
    if position_code:
        text += f" chức vụ {name_of('position', position_code)}"
    return [career_event(decision, text)]
