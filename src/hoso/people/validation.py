"""Checks on a dossier before it is written: the specific reason for every refusal.

`validate_dossier` takes the dossier as plain data (the same shape as the dossier JSON) and
returns every problem found, each with a Vietnamese message naming the field. It reads no
database: catalog codes and units come in a `Reference` snapshot, so a bulk import of a
million dossiers validates at memory speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from hoso import identity
from hoso.core.dates import vn
from hoso.core.errors import Problem

# Which catalog each coded field must come from. Sections not listed store free text.
CODED_FIELDS: dict[tuple[str, str], str] = {
    ("identity", "ethnicity"): "ethnicity",
    ("identity", "religion"): "religion",
    ("employment", "staff_category"): "staff_category",
    ("qualifications", "general_education"): "general_education",
    ("qualifications", "highest_qualification"): "qualification",
    ("qualifications", "political_theory"): "political_theory",
    ("qualifications", "state_management"): "state_management",
    ("qualifications", "policy_family"): "policy_family",
    ("protection", "secret_label"): "secret_label",
    ("positions", "position_code"): "position",
    ("salary", "rank_code"): "rank",
    ("training", "kind"): "training_kind",
    ("training", "mode"): "training_mode",
    ("training", "qualification"): "qualification",
    ("career_events", "decision_type"): "decision_type",
    ("organizations", "org_code"): "socio_political_org",
    ("military", "highest_rank_code"): "military_rank",
    ("awards", "form_code"): "award_form",
    ("discipline", "form_code"): "discipline_form",
    ("legal_records", "kind"): "legal_record_kind",
    ("planning", "position_code"): "position",
    ("evaluations", "grade_code"): "evaluation_grade",
    ("health", "blood_group"): "blood_group",
    ("family", "relation_code"): "family_relation",
}

# Date fields that may not lie in the future, and the (start, end) pairs that must be ordered.
PERIODS: dict[str, tuple[str, str]] = {
    "training": ("from_date", "to_date"),
    "work_history": ("from_date", "to_date"),
    "positions": ("from_date", "to_date"),
    "organizations": ("from_date", "to_date"),
    "military": ("from_date", "to_date"),
    "discipline": ("effect_from", "effect_to"),
    "legal_records": ("from_date", "to_date"),
    "planning": ("from_date", "to_date"),
    "party": ("admission_date", "official_date"),
    "career_events": ("signed_date", "effective_date"),
}
EVENT_DATES: dict[str, tuple[str, ...]] = {
    "salary": ("from_date",),
    "awards": ("award_date",),
    "discipline": ("decision_date",),
    "health": ("exam_date",),
    "assets": ("declared_on",),
    "assessments": ("assessed_on",),
    "personal_history": ("declared_on",),
    "party": ("left_date",),
}
# Sections whose periods follow one another (the résumé's summary of work, item 28; military
# service, item 18): a period may not start before the one before it ended (R-CLEAN). Main
# positions are checked apart (`_check_positions`); training courses may run side by side.
SEQUENTIAL: dict[str, tuple[str, str]] = {
    "work_history": ("from_date", "to_date"),
    "military": ("from_date", "to_date"),
}
SECTION_TITLES = {"work_history": "Tóm tắt quá trình công tác", "military": "Quân ngũ"}
# A discipline's period of effect may run into the future; so may a term of office, a
# sentence's probation and a place in a planning.
FUTURE_ALLOWED = {
    ("discipline", "effect_to"),
    ("positions", "to_date"),
    ("legal_records", "to_date"),
    ("planning", "to_date"),
}


@dataclass
class Reference:
    """Catalog codes and unit codes a dossier may use (a snapshot, loaded once)."""

    codes: dict[str, set[str]]
    units: dict[str, int]
    pay_steps: dict[str, list[Decimal]] = field(default_factory=dict)  # rank → coefficients
    provinces: set[str] = field(default_factory=set)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (catalog, code) → name
    unit_names: dict[str, str] = field(default_factory=dict)
    unit_paths: dict[str, str] = field(default_factory=dict)  # unit code → its path
    required: list[str] = field(default_factory=list)  # "section.field" or "section"
    job_positions: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit, code) → id

    def knows(self, catalog: str, code: str) -> bool:
        return code in self.codes.get(catalog, set())


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, where: str) -> None:
        self.problems.append(Problem(code, message, where))


def validate_dossier(data: dict[str, Any], *, ref: Reference, today: date) -> list[Problem]:
    out = _Collector()
    ident = data.get("identity") or {}
    employment = data.get("employment") or {}
    birth = _checked_date(out, ident, "birth_date", "identity", today)
    if birth is None and "identity.birth_date" not in {p.field for p in out.problems}:
        out.add("required", "Thiếu ngày sinh.", "identity.birth_date")
    if not str(ident.get("full_name") or "").strip():
        out.add("required", "Thiếu họ và tên khai sinh.", "identity.full_name")
    sex = ident.get("sex")
    if sex not in ("M", "F"):
        out.add("bad_choice", f"Giới tính «{sex}» không hợp lệ (M hoặc F).", "identity.sex")
    for err in identity.validate(
        str(ident.get("personal_id", "")),
        birth_date=birth,
        sex=sex if sex in ("M", "F") else None,
        today=today,
    ):
        out.add(f"personal_id_{err.code}", err.message, "identity.personal_id")
    for key in ("birth_place_code", "home_town_code"):
        code = ident.get(key)
        if code and code not in ref.provinces:
            out.add("unknown_code", f"Mã tỉnh «{code}» không có trong danh mục.", f"identity.{key}")

    for unit_key in ("managing_agency", "current_unit"):
        unit = employment.get(unit_key)
        if not unit:
            out.add("required", "Thiếu đơn vị.", f"employment.{unit_key}")
        elif unit not in ref.units:
            out.add(
                "unknown_unit",
                f"Đơn vị «{unit}» không có trong cây tổ chức.",
                f"employment.{unit_key}",
            )
    recruited = _checked_date(out, employment, "recruitment_date", "employment", today)
    if birth and recruited and recruited <= birth:
        out.add(
            "recruited_before_birth",
            f"Ngày tuyển dụng {vn(recruited)} không thể trước ngày sinh {vn(birth)}.",
            "employment.recruitment_date",
        )

    for (section, name), catalog in CODED_FIELDS.items():
        value = data.get(section)
        rows = value if isinstance(value, list) else [value] if value else []
        for index, row in enumerate(rows):
            code = row.get(name) if isinstance(row, dict) else None
            if code and not ref.knows(catalog, str(code)):
                out.add(
                    "unknown_code",
                    f"Mã «{code}» không có trong danh mục «{catalog}».",
                    _where(section, name, index, value),
                )

    for section, rows in data.items():
        if isinstance(rows, list):
            _check_rows(out, section, rows, birth, today)
    for section in SEQUENTIAL:
        _check_sequential(out, section, data.get(section) or [])
    _check_positions(out, data.get("positions") or [], ref)
    _check_salary(out, data.get("salary") or [], ref)
    _check_unique_years(out, "evaluations", data.get("evaluations") or [])
    _check_unique_years(out, "assets", data.get("assets") or [])
    _check_planning(out, data.get("planning") or [], ref)
    for index, row in enumerate(data.get("legal_records") or []):
        if isinstance(row, dict) and not row.get("kind"):
            out.add(
                "required", "Thiếu loại án, kiểm điểm, điều tra.", f"legal_records[{index}].kind"
            )
    return out.problems


def _where(section: str, name: str, index: int, value: Any) -> str:
    return f"{section}[{index}].{name}" if isinstance(value, list) else f"{section}.{name}"


def _checked_date(out: _Collector, row: dict, name: str, where: str, today: date) -> date | None:
    try:
        value = _date(row.get(name))
    except ValueError:
        out.add(
            "bad_date", f"Ngày «{row.get(name)}» không đúng dạng YYYY-MM-DD.", f"{where}.{name}"
        )
        return None
    if value and value > today:
        out.add("future_date", f"Ngày {vn(value)} ở tương lai.", f"{where}.{name}")
    return value


def _check_rows(
    out: _Collector, section: str, rows: list[Any], birth: date | None, today: date
) -> None:
    start_end = PERIODS.get(section)
    names = set(EVENT_DATES.get(section, ())) | set(start_end or ())
    for index, row in enumerate(rows):
        where = f"{section}[{index}]"
        if not isinstance(row, dict):
            out.add("bad_row", "Mỗi dòng phải là một đối tượng.", where)
            continue
        dates: dict[str, date | None] = {}
        for name in names:
            try:
                dates[name] = _date(row.get(name))
            except ValueError:
                out.add(
                    "bad_date",
                    f"Ngày «{row.get(name)}» không đúng dạng YYYY-MM-DD.",
                    f"{where}.{name}",
                )
                continue
            value = dates[name]
            if value and value > today and (section, name) not in FUTURE_ALLOWED:
                out.add("future_date", f"Ngày {vn(value)} ở tương lai.", f"{where}.{name}")
            if value and birth and value < birth:
                out.add(
                    "before_birth",
                    f"Ngày {vn(value)} trước ngày sinh {vn(birth)}.",
                    f"{where}.{name}",
                )
        if start_end:
            start, end = dates.get(start_end[0]), dates.get(start_end[1])
            if start and end and end < start:
                out.add(
                    "period_reversed",
                    f"Ngày kết thúc {vn(end)} trước ngày bắt đầu {vn(start)}.",
                    f"{where}.{start_end[1]}",
                )


def _check_sequential(out: _Collector, section: str, rows: list[Any]) -> None:
    """Periods of `section` may not overlap: each starts after the one before it ended."""
    start, end = SEQUENTIAL[section]
    periods = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        try:
            began, ended = _date(row.get(start)), _date(row.get(end))
        except ValueError:
            continue  # said by `_check_rows`
        if began:
            periods.append((began, ended, index))
    periods.sort(key=lambda p: (p[0], p[2]))
    for (s1, e1, i1), (s2, _e2, i2) in zip(periods, periods[1:], strict=False):
        if e1 is None or e1 >= s2:
            until = f"đến {vn(e1)}" if e1 else "chưa kết thúc"
            out.add(
                "overlapping_periods",
                f"Giai đoạn dòng {i2 + 1} (từ {vn(s2)}) chồng lên giai đoạn dòng {i1 + 1} "
                f"(từ {vn(s1)}, {until}): trong mục «{SECTION_TITLES[section]}» các giai đoạn "
                "nối tiếp nhau, không chồng nhau.",
                f"{section}[{i2}].{start}",
            )


def _check_positions(out: _Collector, rows: list[dict], ref: Reference) -> None:
    """Main positions may not overlap: one person holds one main post at a time."""
    mains = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        unit = row.get("organization")
        if not unit:
            out.add("required", "Thiếu đơn vị của chức vụ.", f"positions[{index}].organization")
        elif unit not in ref.units:
            out.add(
                "unknown_unit",
                f"Đơn vị «{unit}» không có trong cây tổ chức.",
                f"positions[{index}].organization",
            )
        job = row.get("job_position")
        if job and (unit, job) not in ref.job_positions:
            out.add(
                "unknown_job_position",
                f"Vị trí việc làm «{job}» không có ở đơn vị «{unit}».",
                f"positions[{index}].job_position",
            )
        if row.get("is_main", True):
            try:
                mains.append((_date(row.get("from_date")), _date(row.get("to_date")), index))
            except ValueError:
                continue
    started = sorted(((s, e, i) for s, e, i in mains if s), key=lambda m: m[0])
    for (s1, e1, i1), (s2, _e2, i2) in zip(started, started[1:], strict=False):
        if e1 is None or e1 >= s2:
            out.add(
                "overlapping_main_positions",
                f"Chức vụ chính thứ {i2 + 1} bắt đầu {vn(s2)} khi chức vụ chính thứ {i1 + 1} "
                f"(từ {vn(s1)}) chưa kết thúc: mỗi người chỉ giữ một chức vụ chính "
                "tại một thời điểm.",
                f"positions[{i2}].from_date",
            )


def _check_salary(out: _Collector, rows: list[dict], ref: Reference) -> None:
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        where = f"salary[{index}]"
        start = str(row.get("from_date"))
        if start in seen:
            out.add(
                "duplicate_salary_date", "Hai dòng lương cùng ngày hưởng.", f"{where}.from_date"
            )
        seen.add(start)
        steps = ref.pay_steps.get(str(row.get("rank_code")))
        if not steps:
            continue
        try:
            step = int(row.get("step", 0))
            coefficient = Decimal(str(row.get("coefficient")))
        except (TypeError, ValueError, InvalidOperation):
            out.add("bad_number", "Bậc hoặc hệ số lương không phải là số.", where)
            continue
        if not 1 <= step <= len(steps):
            out.add(
                "step_out_of_range",
                f"Ngạch {row.get('rank_code')} chỉ có {len(steps)} bậc; bậc {step} không hợp lệ.",
                f"{where}.step",
            )
        elif steps[step - 1] != coefficient:
            out.add(
                "coefficient_mismatch",
                f"Bậc {step} của ngạch {row.get('rank_code')} có hệ số {steps[step - 1]}, "
                f"không phải {coefficient}.",
                f"{where}.coefficient",
            )


def _check_unique_years(out: _Collector, section: str, rows: list[dict]) -> None:
    years: set[Any] = set()
    for index, row in enumerate(rows):
        year = row.get("year") if isinstance(row, dict) else None
        if year in years:
            out.add("duplicate_year", f"Năm {year} đã có một dòng.", f"{section}[{index}].year")
        years.add(year)


def _check_planning(out: _Collector, rows: list[Any], ref: Reference) -> None:
    """A planning's term is "YYYY-YYYY" (e.g. 2026-2031), its unit in the tree, and a removal
    from it has an end date."""
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        where = f"planning[{index}]"
        term = str(row.get("term") or "")
        first, _, last = term.partition("-")
        if not (len(term) == 9 and first.isdigit() and last.isdigit() and first < last):
            out.add(
                "bad_term",
                f"Nhiệm kỳ «{term}» không đúng dạng năm bắt đầu-năm kết thúc (ví dụ 2026-2031).",
                f"{where}.term",
            )
        if not row.get("position_code"):
            out.add("required", "Thiếu chức danh quy hoạch.", f"{where}.position_code")
        unit = row.get("organization")
        if not unit:
            out.add("required", "Thiếu đơn vị của quy hoạch.", f"{where}.organization")
        elif unit not in ref.units:
            out.add(
                "unknown_unit",
                f"Đơn vị «{unit}» không có trong cây tổ chức.",
                f"{where}.organization",
            )
        if row.get("removal_reason") and not row.get("to_date"):
            out.add(
                "removal_without_end",
                "Đưa ra khỏi quy hoạch phải có ngày kết thúc.",
                f"{where}.to_date",
            )
