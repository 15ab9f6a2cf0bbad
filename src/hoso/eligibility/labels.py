"""How a person reads the facts of an eligibility verdict (issue 12; Vietnamese first): each
fact key the rules of this package write, its Vietnamese label, and the catalog whose names
its codes take; dates dd/mm/yyyy. The API keeps the keys, codes and ISO dates (`Reason.facts`);
only pages ask `facts_text`. A rule that writes a new key adds it to `LABELS` (a test holds
every key the rules write to a label)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hoso.catalog.selectors import name_of
from hoso.core.dates import vn
from hoso.people.models import StaffStatus

LABELS: dict[str, str] = {
    # engine: service, discipline, retirement, time in post
    "status": "Tình trạng công tác",
    "disciplines": "Kỷ luật còn thời hạn",
    "form_code": "Hình thức kỷ luật",
    "form_name": "Hình thức kỷ luật",
    "decision_number": "Số quyết định",
    "effect_from": "Có hiệu lực từ",
    "effect_to": "Hết thời hạn",
    "restriction_months": "Thời hạn (tháng)",
    "birth_date": "Ngày sinh",
    "sex": "Giới tính",
    "retirement_date": "Ngày nghỉ hưu",
    "months_required": "Số tháng cần có",
    "latest_date": "Chậm nhất ngày",
    "current_post": "Chức vụ hiện tại",
    "from_date": "Từ ngày",
    "to_date": "Đến ngày",
    # legal: sentences, convictions, reviews
    "records": "Bản án, quyết định",
    "kind": "Loại",
    "kind_name": "Loại",
    "authority": "Cơ quan",
    "document_number": "Số văn bản",
    # posts: planning, the post's requirements
    "position": "Chức vụ xét",
    "plannings": "Quy hoạch",
    "term": "Nhiệm kỳ",
    "organization": "Đơn vị",
    "removal_reason": "Lý do đưa ra khỏi quy hoạch",
    "highest_qualification": "Trình độ chuyên môn cao nhất",
    "political_theory": "Lý luận chính trị",
    "rank_code": "Ngạch",
    "required": "Tiêu chuẩn của chức vụ",
    "min_qualification": "Trình độ chuyên môn tối thiểu",
    "min_political_theory": "Lý luận chính trị tối thiểu",
    "max_rank_grade_level": "Ngạch tối thiểu (bậc ngạch)",
    "requirement_from": "Tiêu chuẩn áp dụng từ",
    # salary: the last grade, the step time
    "year": "Năm",
    "grade_code": "Xếp loại",
    "min_grade": "Xếp loại tối thiểu",
    "salary": "Lương",
    "step": "Bậc",
    "step_months": "Thời gian giữ bậc (tháng)",
    "last_step": "Đã ở bậc cuối",
    "delay_months": "Kéo dài (tháng)",
    "delays": "Lý do kéo dài",
    "due_date": "Đủ thời gian từ ngày",
}

# Fact keys whose values are codes of a catalog: shown by the catalog's name.
CATALOGS: dict[str, str] = {
    "form_code": "discipline_form",
    "current_post": "position",
    "position": "position",
    "kind": "legal_record_kind",
    "highest_qualification": "qualification",
    "min_qualification": "qualification",
    "political_theory": "political_theory",
    "min_political_theory": "political_theory",
    "rank_code": "rank",
    "grade_code": "evaluation_grade",
    "min_grade": "evaluation_grade",
}
# A name key stands for its code key: show the name only.
SHADOWED = {"form_code": "form_name", "kind": "kind_name"}
SEXES = {"M": "Nam", "F": "Nữ"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def label(key: str) -> str:
    return LABELS.get(key, key)


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dict):
        return facts_text(value, ", ")
    if isinstance(value, list):
        return "; ".join(
            f"({facts_text(v, ', ')})" if isinstance(v, dict) else _value(key, v) for v in value
        )
    text = str(value)
    if ISO_DATE.match(text):
        return vn(date.fromisoformat(text))
    if key == "sex":
        return SEXES.get(text, text)
    if key == "status" and text in StaffStatus.values:
        return StaffStatus(text).label
    if key == "organization":
        return _unit_name(text)
    if key in CATALOGS:
        return name_of(CATALOGS[key], text)
    return text


def _unit_name(code: str) -> str:
    from hoso.orgs.selectors import org_get  # the unit tree, read only to name a unit

    org = org_get(code)
    return org.name if org is not None else code


def facts_text(facts: dict[str, Any], separator: str = "; ") -> str:
    """The facts as a reader sees them: «label: value» in the rules' order, empty ones left
    out, codes by their names, dates dd/mm/yyyy."""
    parts = []
    for key, value in facts.items():
        if value in (None, "", [], {}):
            continue
        if SHADOWED.get(key) in facts and facts.get(SHADOWED[key]):
            continue
        parts.append(f"{label(key)}: {_value(key, value)}")
    return separator.join(parts)
