"""Training, fostering and planning decisions: a training row; a planning row (added, or
ended with its reason) and a career event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.catalog.selectors import name_of
from hoso.changes.effects.common import (
    ONE_DAY,
    Data,
    Ops,
    Params,
    career_event,
    iso,
    refuse,
    type_name,
)
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


def _term(p: Params, decision: PersonnelDecision) -> str:
    """The planning's term, "YYYY-YYYY", covering the effective date."""
    term = p.text("term", "Nhiệm kỳ quy hoạch", max_length=9)
    first, _, last = term.partition("-")
    if term and not (
        len(term) == 9
        and first.isdigit()
        and last.isdigit()
        and int(first) <= decision.effective_date.year <= int(last)
    ):
        p.fail(
            "bad_term",
            f"Nhiệm kỳ «{term}» phải có dạng năm bắt đầu-năm kết thúc (ví dụ 2026-2031) và "
            f"gồm ngày có hiệu lực {vn(decision.effective_date)}.",
            "term",
        )
        return ""
    return term


def planning(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """A career event; with a term, also the person's row in the planning of that term for
    the post, from the effective date (what `planning_membership` reads)."""
    p = Params(params)
    position_code = p.code("position_code", "Chức vụ được quy hoạch", "position")
    term = _term(p, decision)
    if term and not position_code:
        p.fail("required", "Thiếu chức vụ được quy hoạch.", "position_code")
    p.check()
    text = type_name(decision)
    if position_code:
        text += f" chức vụ {name_of('position', position_code)}"
    ops: Ops = [career_event(decision, text)]
    if term:
        unit = (data.get("employment") or {}).get("current_unit")
        row = {
            "term": term,
            "position_code": position_code,
            "organization": unit,
            "from_date": iso(decision.effective_date),
            "to_date": None,
            "decision_number": decision.number,
            "removal_reason": "",
        }
        ops.insert(0, {"op": "add", "section": "planning", "row": row})
    return ops


def planning_removal(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """Out of the planning for a post: its open row ends the day before the effective date,
    with the reason; a career event names the decision."""
    p = Params(params)
    position_code = p.code("position_code", "Chức vụ được quy hoạch", "position", required=True)
    reason = p.text("removal_reason", "Lý do đưa ra khỏi quy hoạch", required=True)
    p.check()
    open_rows = [
        i
        for i, row in enumerate(data.get("planning") or [])
        if row.get("position_code") == position_code and not row.get("to_date")
    ]
    if not open_rows:
        raise refuse(
            "not_in_planning",
            f"Người này không có trong quy hoạch chức vụ {name_of('position', position_code)}.",
            "parameters.position_code",
        )
    ended = iso(decision.effective_date - ONE_DAY)
    ops: Ops = [
        {
            "op": "correct",
            "section": "planning",
            "index": i,
            "row": {"to_date": ended, "removal_reason": reason},
        }
        for i in open_rows
    ]
    text = f"{type_name(decision)} chức vụ {name_of('position', position_code)}: {reason}"
    return [*ops, career_event(decision, text)]
