"""Rules on the post (issue 12 item 2): a leadership post needs a place in a current planning
for it, and the post's minimum qualification, political theory and rank (dated catalog
`post_requirement`, compared by the `rank_order` / `grade_level` of their catalogs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hoso.catalog.selectors import attrs_map, entries, name_of
from hoso.core.dates import vn
from hoso.eligibility.base import Data, Reason, Rule, day, iso, reason, rows


def _term_covers(term: str, on: date) -> bool:
    first, _, last = str(term).partition("-")
    return first.isdigit() and last.isdigit() and int(first) <= on.year <= int(last)


def _current_post(data: Data) -> str | None:
    for row in reversed(rows(data, "positions")):
        if row.get("is_main", True) and not row.get("to_date") and row.get("position_code"):
            return str(row["position_code"])
    return None


def planning_membership(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """Appointed to a leadership post: in a planning for that post whose term covers `on`,
    begun and not ended on that day (a removal ends the row the day before it, with its
    reason)."""
    if not position:
        return reason(
            rule, True, "Chưa nêu chức vụ bổ nhiệm: không xét quy hoạch.", {"position": None}
        )
    post = name_of("position", position)
    if not attrs_map("position").get(position, {}).get("leadership"):
        return reason(
            rule, True, f"{post} không phải chức vụ lãnh đạo, quản lý.", {"position": position}
        )
    mine = [r for r in rows(data, "planning") if r.get("position_code") == position]
    facts: dict[str, Any] = {
        "position": position,
        "plannings": [
            {
                "term": r.get("term"),
                "organization": r.get("organization"),
                "from_date": r.get("from_date"),
                "to_date": r.get("to_date"),
                "decision_number": r.get("decision_number") or "",
                "removal_reason": r.get("removal_reason") or "",
            }
            for r in mine
        ],
    }
    for r in mine:
        start, end = day(r.get("from_date")), day(r.get("to_date"))
        if (
            start is not None
            and start <= on
            and (end is None or on <= end)
            and _term_covers(str(r.get("term") or ""), on)
        ):
            return reason(
                rule,
                True,
                f"Có trong quy hoạch chức danh {post} nhiệm kỳ {r.get('term')} "
                f"(từ ngày {vn(start)}).",
                facts,
            )
    return reason(
        rule,
        False,
        f"Không có trong quy hoạch chức danh {post} của nhiệm kỳ hiện hành vào ngày {vn(on)}.",
        facts,
    )


def _order(catalog: str, code: Any, key: str) -> int | None:
    value = attrs_map(catalog).get(str(code or ""), {}).get(key)
    return int(value) if isinstance(value, int) else None


def _rank_example(level: int) -> str:
    """A rank of `level` to name the requirement (the administrative one when there is)."""
    ranks = [(a.get("field") != "hành chính", code) for code, a in attrs_map("rank").items()]
    found = sorted(c for c in ranks if _order("rank", c[1], "grade_level") == level)
    return name_of("rank", found[0][1]) if found else f"ngạch bậc {level}"


def _shortfalls(need: dict[str, Any], data: Data) -> tuple[list[str], dict[str, Any]]:
    """What the dossier lacks against the requirement `need`, and the facts compared."""
    quals = data.get("qualifications") or {}
    salary = sorted(rows(data, "salary"), key=lambda r: str(r.get("from_date")))
    rank = salary[-1].get("rank_code") if salary else None
    facts = {
        "highest_qualification": quals.get("highest_qualification"),
        "political_theory": quals.get("political_theory"),
        "rank_code": rank,
        "required": need,
    }
    short = []
    for field, catalog, label in (
        ("min_qualification", "qualification", "Trình độ chuyên môn"),
        ("min_political_theory", "political_theory", "Trình độ lý luận chính trị"),
    ):
        wanted = need.get(field)
        if not wanted:
            continue
        held = quals.get("highest_qualification" if catalog == "qualification" else catalog)
        have, want = _order(catalog, held, "rank_order"), _order(catalog, wanted, "rank_order")
        if have is None or want is None or have < want:
            shown = name_of(catalog, held) if held else "chưa ghi"
            short.append(f"{label}: {shown}, tối thiểu {name_of(catalog, wanted)}")
    level = need.get("max_rank_grade_level")
    if isinstance(level, int):
        have = _order("rank", rank, "grade_level")
        if have is None or have > level:
            shown = f"{name_of('rank', rank)} ({rank})" if rank else "chưa ghi"
            short.append(f"Ngạch: {shown}, tối thiểu {_rank_example(level)} hoặc tương đương")
    return short, facts


def post_requirements(rule: Rule, data: Data, on: date, position: str | None) -> Reason:
    """The requirement of the post (`position`, or the current post for a reappointment) in
    force on `on`, compared with the dossier's qualification, political theory and rank."""
    post_code = position or _current_post(data)
    if not post_code:
        return reason(
            rule, True, "Chưa nêu chức vụ: không xét tiêu chuẩn chức vụ.", {"position": None}
        )
    catalog = str(rule.attrs.get("catalog") or "post_requirement")
    row = entries(catalog, on=on).filter(code=post_code).order_by("-valid_from").first()
    post = name_of("position", post_code)
    if row is None:
        return reason(
            rule,
            True,
            f"Danh mục tiêu chuẩn chức vụ chưa có mục cho {post} vào ngày {vn(on)}: "
            "không có tiêu chuẩn để so.",
            {"position": post_code, "required": None},
        )
    short, facts = _shortfalls(dict(row.attrs), data)
    facts = {"position": post_code, **facts, "requirement_from": iso(row.valid_from)}
    if not short:
        return reason(rule, True, f"Đạt tiêu chuẩn của chức vụ {post}.", facts)
    return reason(
        rule, False, f"Chưa đạt tiêu chuẩn của chức vụ {post}: {'; '.join(short)}.", facts
    )
