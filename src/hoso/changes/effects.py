"""What each kind of personnel decision does to a dossier (R-10D-DECISION, R-LIVE,
R-APPOINT-SAFE).

The registry `EFFECTS` maps codes of the ``decision_type`` catalog to a function

    effect(decision, data, params) -> operations

`decision` is the (unsaved) `PersonnelDecision` with its header (number, dates, issuer),
`data` the dossier as it is now (plain data, read by the system reader), `params`
what the decision says beyond its header (the new unit, the post, the discipline form…). The
result is a list of change-set operations (`hoso.changes.operations`) that
`hoso.changes.decisions.decision_register` proposes: nothing is written here. Every number with
a legal source — coefficients, step intervals, restriction periods, the early-raise limit —
is read from the catalogs, never written in this file.

A catalog type may instead be listed in `RECORD_ONLY`, with the reason: such a decision is
registered and kept but proposes no change. `tests/changes/test_decisions.py` fails when a
catalog type has neither (docs/howto/add-a-decision-type.md).

Conventions every effect follows:
- a post or a work period ends the day before the decision takes effect; the new one starts
  on the effective date;
- decisions of NĐ 27/2026 data group 4 (recruitment … retirement) also add a
  ``career_events`` row naming the decision;
- a parameter the effect does not read is refused: a typo must not vanish silently;
- types in `RESTRICTED_BY_DISCIPLINE` are refused while a discipline's restriction period
  covers the effective date (Luật CBCC 2008 Art. 82, Luật VC 2010 Art. 56, amended 2019: no
  rank promotion, salary raise, planning, training or appointment) — R-APPOINT-SAFE.
"""

from __future__ import annotations

import calendar as _month_lengths
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from hoso.catalog.selectors import attrs_map, entries, name_of
from hoso.core.dates import vn
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.models import Organization
from hoso.orgs.selectors import org_get
from hoso.people.models import StaffStatus

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

Data = dict[str, Any]
Ops = list[dict[str, Any]]
Effect = Callable[["PersonnelDecision", Data, Data], Ops]

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")

EFFECTS: dict[str, Effect] = {}

# Registered and kept, but no dossier field changes. Empty today: every catalog type has an
# effect. A type whose content reaches the dossier by another path goes here, with the reason.
RECORD_ONLY: dict[str, str] = {}

# Blocked while a discipline's restriction period runs (see the module docstring).
RESTRICTED_BY_DISCIPLINE = frozenset(
    {
        "training",
        "fostering",
        "planning",
        "appointment",
        "salary_raise_regular",
        "salary_raise_early",
        "rank_change",
    }
)

# Allowed when the person no longer works (retired, resigned, dismissed): an award or an
# evaluation for past service, a conclusion on their history, a discipline for past acts.
ALLOWED_AFTER_SERVICE = frozenset({"reward", "evaluation", "personal_conclusion", "discipline"})


def effect(*codes: str) -> Callable[[Effect], Effect]:
    def register(func: Effect) -> Effect:
        for code in codes:
            if code in EFFECTS:
                raise ValueError(f"Loại quyết định «{code}» có hai hàm tác động.")
            EFFECTS[code] = func
        return func

    return register


# --- Errors and parameters -----------------------------------------------------------------------


def refuse(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)], "Không áp dụng được quyết định.")


class Params:
    """The decision's parameters, read by name with a Vietnamese reason for each bad one.

    Problems are collected; `check()` raises them all at once, with any parameter that was
    given but never read.
    """

    def __init__(self, raw: Any) -> None:
        self.problems: list[Problem] = []
        self.read: set[str] = set()
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problems.append(
                Problem(
                    "bad_parameters", "Nội dung quyết định phải là một đối tượng.", "parameters"
                )
            )
            raw = {}
        self.raw: dict[str, Any] = raw

    def fail(self, code: str, message: str, name: str = "") -> None:
        self.problems.append(Problem(code, message, f"parameters.{name}" if name else "parameters"))

    def _get(self, name: str, label: str, required: bool) -> Any:
        self.read.add(name)
        value = self.raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if required:
                self.fail("required", f"Thiếu {label.lower()}.", name)
            return None
        return value

    def text(self, name: str, label: str, *, required: bool = False, max_length: int = 300) -> str:
        value = self._get(name, label, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail("bad_text", f"{label} phải là chuỗi ký tự.", name)
            return ""
        if len(value) > max_length:
            self.fail("too_long", f"{label} dài quá {max_length} ký tự.", name)
        return value

    def code(
        self, name: str, label: str, catalog: str, *, required: bool = False, on: date | None = None
    ) -> str:
        value = self.text(name, label, required=required, max_length=32)
        if value and not entries(catalog, on=on).filter(code=value).exists():
            when = f" còn hiệu lực ngày {vn(on)}" if on else ""
            self.fail(
                "unknown_code",
                f"{label}: mã «{value}» không có trong danh mục «{catalog}»{when}.",
                name,
            )
            return ""
        return value

    def unit(
        self, name: str, label: str, *, required: bool = False, on: date | None = None
    ) -> Organization | None:
        value = self.text(name, label, required=required, max_length=32)
        if not value:
            return None
        unit = org_get(value)
        if unit is None:
            self.fail(
                "unknown_unit", f"{label}: đơn vị «{value}» không có trong cây tổ chức.", name
            )
            return None
        if on is not None and not (
            unit.valid_from <= on and (unit.valid_to is None or on <= unit.valid_to)
        ):
            self.fail(
                "unit_not_valid",
                f"{label}: đơn vị «{unit.name}» không tồn tại vào ngày {vn(on)}.",
                name,
            )
            return None
        return unit

    def day(self, name: str, label: str, *, required: bool = False) -> date | None:
        value = self._get(name, label, required)
        if value is None:
            return None
        try:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            self.fail("bad_date", f"{label} «{value}» không đúng dạng YYYY-MM-DD.", name)
            return None

    def integer(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._get(name, label, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.fail("bad_number", f"{label} phải là số nguyên.", name)
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail("bad_number", f"{label} «{value}» không phải số nguyên.", name)
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.fail("out_of_range", f"{label} phải từ {minimum} đến {maximum}.", name)
            return None
        return number

    def number(
        self, name: str, label: str, *, minimum: Decimal, maximum: Decimal
    ) -> Decimal | None:
        value = self._get(name, label, False)
        if value is None:
            return None
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail("bad_number", f"{label} «{value}» không phải là số.", name)
            return None
        if not minimum <= number <= maximum:
            self.fail("out_of_range", f"{label} phải từ {minimum} đến {maximum}.", name)
            return None
        return number

    def choice(self, name: str, label: str, choices: dict[str, str], *, required: bool) -> str:
        value = self.text(name, label, required=required, max_length=32)
        if value and value not in choices:
            allowed = ", ".join(f"{k} ({v})" for k, v in choices.items())
            self.fail(
                "bad_choice", f"{label} «{value}» không hợp lệ; chọn một trong: {allowed}.", name
            )
            return ""
        return value

    def check(self) -> None:
        for name in sorted(set(self.raw) - self.read):
            self.fail(
                "unknown_parameter", f"Loại quyết định này không dùng tham số «{name}».", name
            )
        if self.problems:
            raise ValidationFailed(
                self.problems, "Nội dung quyết định chưa đủ hoặc không hợp lệ; chưa lưu gì."
            )


# --- Reading the dossier and the catalogs --------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (Bộ luật Dân
    sự 2015, Art. 148(1)): 31/1 + 1 month = 28/2 (29/2 in a leap year)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _month_lengths.monthrange(year, month)[1]))


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def entry_on(catalog: str, code: str, on: date) -> tuple[str, dict[str, Any]]:
    """(name, attrs) of the catalog entry in force on `on` (the latest version otherwise)."""
    row = entries(catalog, on=on).filter(code=code).order_by("-valid_from").first()
    row = row or entries(catalog).filter(code=code).order_by("-valid_from").first()
    return (row.name, dict(row.attrs)) if row else (code, {})


def _rows(data: Data, key: str) -> list[dict[str, Any]]:
    return list(data.get(key) or [])


def _employment(data: Data) -> dict[str, Any]:
    return dict(data.get("employment") or {})


def _current_main(data: Data) -> int | None:
    """Index of the current main post (main, no end date)."""
    found = None
    for index, row in enumerate(_rows(data, "positions")):
        if row.get("is_main", True) and not row.get("to_date"):
            found = index
    return found


def _open_rows(data: Data, key: str) -> list[int]:
    return [i for i, row in enumerate(_rows(data, key)) if not row.get("to_date")]


def _current_unit(data: Data) -> Organization:
    code = _employment(data).get("current_unit")
    unit = org_get(str(code)) if code else None
    if unit is None:
        raise refuse("no_current_unit", "Hồ sơ chưa có đơn vị sử dụng hợp lệ.")
    return unit


SECTION_TITLES = {"positions": "Chức vụ", "work_history": "Quá trình công tác"}


def _close(data: Data, section: str, index: int, effective: date) -> dict[str, Any]:
    """End a row the day before `effective`."""
    last_day = effective - ONE_DAY
    start = _day(_rows(data, section)[index].get("from_date"))
    if start and start > last_day:
        raise refuse(
            "starts_after_effect",
            f"{SECTION_TITLES[section]} hiện tại bắt đầu từ {vn(start)}: không thể kết thúc trước "
            f"ngày quyết định có hiệu lực {vn(effective)}.",
            "effective_date",
        )
    return {"op": "correct", "section": section, "index": index, "row": {"to_date": _iso(last_day)}}


def _rank_title(data: Data) -> str:
    salary = sorted(_rows(data, "salary"), key=lambda r: str(r.get("from_date")))
    rank = salary[-1].get("rank_code") if salary else ""
    return (
        name_of("rank", rank)
        if rank
        else name_of("staff_category", _employment(data).get("staff_category"))
    )


def _career_event(decision: PersonnelDecision, text: str) -> dict[str, Any]:
    if decision.effective_date < decision.signed_date:
        raise refuse(
            "effective_before_signed",
            f"Quyết định về quá trình công tác không có hiệu lực trước ngày ký: ngày có hiệu lực "
            f"{vn(decision.effective_date)}, ngày ký {vn(decision.signed_date)}.",
            "effective_date",
        )
    return {
        "op": "add",
        "section": "career_events",
        "row": {
            "decision_type": decision.decision_type,
            "decision_number": decision.number,
            "signed_date": _iso(decision.signed_date),
            "issuer": decision.issuer,
            "effective_date": _iso(decision.effective_date),
            "summary": (decision.summary or text)[:300],
        },
    }


def _type_name(decision: PersonnelDecision) -> str:
    return name_of("decision_type", decision.decision_type)


def _position_row(
    decision: PersonnelDecision,
    unit: Organization,
    position_code: str,
    job_position: str,
    *,
    is_main: bool = True,
    to_date: date | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "organization": unit.code,
        "position_code": position_code,
        "is_main": is_main,
        "from_date": _iso(decision.effective_date),
        "decision_number": decision.number,
    }
    if job_position:
        row["job_position"] = job_position
    if to_date:
        row["to_date"] = _iso(to_date)
    return {"op": "add", "section": "positions", "row": row}


def _work_row(decision: PersonnelDecision, unit: Organization, title: str) -> dict[str, Any]:
    return {
        "op": "add",
        "section": "work_history",
        "row": {
            "from_date": _iso(decision.effective_date),
            "organization": unit.code,
            "unit_name": unit.name,
            "title": title[:200],
        },
    }


def _close_work(data: Data, decision: PersonnelDecision) -> Ops:
    return [
        _close(data, "work_history", i, decision.effective_date)
        for i in _open_rows(data, "work_history")
    ]


def _move(
    decision: PersonnelDecision,
    data: Data,
    *,
    unit: Organization,
    position_code: str,
    job_position: str,
    title: str,
) -> Ops:
    """A new main post from the effective date: the current one and the open work period end
    the day before; a new post row and a new work-history row begin."""
    ops: Ops = []
    main = _current_main(data)
    if main is not None:
        ops.append(_close(data, "positions", main, decision.effective_date))
    ops += _close_work(data, decision)
    ops.append(_position_row(decision, unit, position_code, job_position))
    ops.append(_work_row(decision, unit, title or _rank_title(data)))
    return ops


def _set_unit(data: Data, unit: Organization, managing: Organization | None) -> Ops:
    values: dict[str, Any] = {}
    if _employment(data).get("current_unit") != unit.code:
        values["current_unit"] = unit.code
    if managing is not None and _employment(data).get("managing_agency") != managing.code:
        values["managing_agency"] = managing.code
    return [{"op": "set", "section": "employment", "values": values}] if values else []


def _leadership_post(data: Data, what: str) -> int:
    main = _current_main(data)
    if main is None or not _rows(data, "positions")[main].get("position_code"):
        raise refuse("no_leadership_post", f"Người này không giữ chức vụ lãnh đạo nào để {what}.")
    return main


# --- Discipline restrictions (R-APPOINT-SAFE) ----------------------------------------------------


def discipline_restrictions(data: Data, on: date) -> list[str]:
    """The disciplines whose restriction period covers `on`, described for a refusal.

    A row without an end date gets the period of its form from the catalog (restriction
    months from its start), so an imported dossier without `effect_to` is not "clean".
    """
    found = []
    for row in _rows(data, "discipline"):
        start = _day(row.get("effect_from"))
        if start is None or start > on:
            continue
        name, attrs = entry_on("discipline_form", str(row.get("form_code")), start)
        end = _day(row.get("effect_to"))
        if end is None and attrs.get("restriction_months"):
            end = add_months(start, int(attrs["restriction_months"]))
        if end is not None and on <= end:
            number = row.get("decision_number") or "không số"
            found.append(f"{name} (quyết định {number}, từ {vn(start)} đến {vn(end)})")
    return found


# --- Training, planning --------------------------------------------------------------------------


@effect("training", "fostering")
def _training(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
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
        "from_date": _iso(start),
        "to_date": _iso(end),
        "mode": mode or ("short_course" if fostering else ""),
        "qualification": qualification,
        "diploma": diploma,
    }
    return [{"op": "add", "section": "training", "row": row}]


@effect("planning")
def _planning(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    position_code = p.code("position_code", "Chức vụ được quy hoạch", "position")
    p.check()
    text = _type_name(decision)
    if position_code:
        text += f" chức vụ {name_of('position', position_code)}"
    return [_career_event(decision, text)]


# --- Posts: appointment, election, re-appointment, leaving a post --------------------------------


@effect("appointment", "election")
def _appointment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    position_code = p.code(
        "position_code", "Chức vụ", "position", required=True, on=decision.effective_date
    )
    unit = p.unit("organization", "Đơn vị", on=decision.effective_date)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    unit = unit or _current_unit(data)
    post = name_of("position", position_code)
    ops = _set_unit(data, unit, None)
    ops += _move(
        decision,
        data,
        unit=unit,
        position_code=position_code,
        job_position=job_position,
        title=title or post,
    )
    ops.append(_career_event(decision, f"{_type_name(decision)} giữ chức vụ {post}, {unit.name}"))
    return ops


@effect("reappointment")
def _reappointment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    Params(params).check()
    main = _leadership_post(data, "bổ nhiệm lại")
    row = _rows(data, "positions")[main]
    unit = org_get(str(row.get("organization"))) or _current_unit(data)
    post = name_of("position", row.get("position_code"))
    # A new term: the post continues, recorded as a new row under the new decision.
    return [
        _close(data, "positions", main, decision.effective_date),
        _position_row(
            decision, unit, str(row.get("position_code")), str(row.get("job_position") or "")
        ),
        _career_event(decision, f"Bổ nhiệm lại giữ chức vụ {post}, {unit.name}"),
    ]


@effect("dismissal_from_post", "resignation_from_post")
def _leave_post(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    job_position = p.text("job_position", "Vị trí việc làm mới", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    main = _leadership_post(
        data, "miễn nhiệm" if decision.decision_type == "dismissal_from_post" else "từ chức"
    )
    row = _rows(data, "positions")[main]
    unit = org_get(str(row.get("organization"))) or _current_unit(data)
    post = name_of("position", row.get("position_code"))
    ops = _move(decision, data, unit=unit, position_code="", job_position=job_position, title=title)
    ops.append(_career_event(decision, f"{_type_name(decision)} chức vụ {post}, {unit.name}"))
    return ops


# --- Moves: transfer, rotation, secondment, reception, recruitment -------------------------------


@effect("transfer", "rotation")
def _transfer(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    on = decision.effective_date
    unit = p.unit("organization", "Đơn vị mới", required=True, on=on)
    managing = p.unit("managing_agency", "Cơ quan quản lý mới", on=on)
    position_code = p.code("position_code", "Chức vụ", "position", on=on)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    assert unit is not None  # required, checked above
    if unit.code == _employment(data).get("current_unit"):
        raise refuse(
            "same_unit",
            f"Đơn vị mới «{unit.name}» trùng với đơn vị hiện tại.",
            "parameters.organization",
        )
    post = name_of("position", position_code) if position_code else ""
    ops = _set_unit(data, unit, managing)
    ops += _move(
        decision,
        data,
        unit=unit,
        position_code=position_code,
        job_position=job_position,
        title=title or post,
    )
    text = f"{_type_name(decision)} đến {unit.name}" + (f", giữ chức vụ {post}" if post else "")
    ops.append(_career_event(decision, text))
    return ops


@effect("secondment")
def _secondment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The seconded person stays on the sending unit's roll (it manages and pays them): their
    current unit and main post stay; a concurrent post at the host unit is added until the
    planned end, and the work history shows the period at the host."""
    p = Params(params)
    on = decision.effective_date
    unit = p.unit("organization", "Đơn vị được cử đến", required=True, on=on)
    end = p.day("to_date", "Ngày kết thúc biệt phái")
    position_code = p.code("position_code", "Chức vụ", "position", on=on)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    assert unit is not None
    if unit.code == _employment(data).get("current_unit"):
        raise refuse(
            "same_unit",
            f"Đơn vị được cử đến «{unit.name}» trùng với đơn vị hiện tại.",
            "parameters.organization",
        )
    if end is not None and end <= on:
        raise refuse(
            "period_reversed",
            f"Ngày kết thúc biệt phái {vn(end)} phải sau ngày có hiệu lực {vn(on)}.",
            "parameters.to_date",
        )
    post = name_of("position", position_code) if position_code else ""
    ops = _close_work(data, decision)
    ops.append(
        _position_row(decision, unit, position_code, job_position, is_main=False, to_date=end)
    )
    ops.append(_work_row(decision, unit, title or post or _rank_title(data)))
    until = f" đến {vn(end)}" if end else ""
    ops.append(_career_event(decision, f"Biệt phái đến {unit.name}{until}"))
    return ops


@effect("reception")
def _reception(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    on = decision.effective_date
    category = p.code("staff_category", "Đối tượng", "staff_category", required=True, on=on)
    unit = p.unit("organization", "Đơn vị tiếp nhận", on=on)
    position_code = p.code("position_code", "Chức vụ", "position", on=on)
    job_position = p.text("job_position", "Vị trí việc làm", max_length=32)
    title = p.text("title", "Chức danh ghi trong quá trình công tác", max_length=200)
    p.check()
    unit = unit or _current_unit(data)
    ops: Ops = []
    if category != _employment(data).get("staff_category"):
        ops.append({"op": "set", "section": "employment", "values": {"staff_category": category}})
    ops += _set_unit(data, unit, None)
    post = name_of("position", position_code) if position_code else ""
    ops += _move(
        decision,
        data,
        unit=unit,
        position_code=position_code,
        job_position=job_position,
        title=title or post,
    )
    ops.append(
        _career_event(
            decision, f"Tiếp nhận làm {name_of('staff_category', category).lower()} tại {unit.name}"
        )
    )
    return ops


@effect("recruitment")
def _recruitment(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The dossier itself is created from the confirmed paper dossier (R-10D-CREATE); the
    decision adds its career event and fills the recruitment date and agency when missing."""
    Params(params).check()
    ops: Ops = []
    employment = _employment(data)
    values = {}
    if not employment.get("recruitment_date"):
        values["recruitment_date"] = _iso(decision.effective_date)
    if not employment.get("recruitment_agency"):
        values["recruitment_agency"] = decision.issuer
    if values:
        ops.append({"op": "set", "section": "employment", "values": values})
    ops.append(_career_event(decision, f"Tuyển dụng vào {_current_unit(data).name}"))
    return ops


# --- Leaving service: resignation, retirement, staff reduction -----------------------------------

LEAVING = {
    "retirement": StaffStatus.RETIRED,
    "resignation": StaffStatus.RESIGNED,
}
REDUCTION_OUTCOMES = {
    StaffStatus.RETIRED.value: "nghỉ hưu trước tuổi",
    StaffStatus.RESIGNED.value: "thôi việc",
}


def _end_service(decision: PersonnelDecision, data: Data, status: str, text: str) -> Ops:
    ops: Ops = [{"op": "set", "section": "employment", "values": {"status": status}}]
    ops += [
        _close(data, "positions", i, decision.effective_date) for i in _open_rows(data, "positions")
    ]
    ops += _close_work(data, decision)
    ops.append(_career_event(decision, text))
    return ops


@effect("retirement", "resignation")
def _leave_service(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    Params(params).check()
    status = LEAVING[decision.decision_type]
    return _end_service(
        decision, data, status, f"{_type_name(decision)} từ {vn(decision.effective_date)}"
    )


@effect("staff_reduction")
def _staff_reduction(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    outcome = p.choice("outcome", "Hình thức giải quyết", REDUCTION_OUTCOMES, required=True)
    p.check()
    text = f"Tinh giản biên chế ({REDUCTION_OUTCOMES[outcome]}) từ {vn(decision.effective_date)}"
    return _end_service(decision, data, outcome, text)


# --- Salary: regular and early raise, seniority allowance, rank change ---------------------------


def _salary(data: Data) -> list[dict[str, Any]]:
    rows = sorted(_rows(data, "salary"), key=lambda r: str(r.get("from_date")))
    if not rows:
        raise refuse("no_salary", "Hồ sơ chưa có dòng lương nào.")
    return rows


def _pay_group(rank: str) -> dict[str, Any]:
    group = attrs_map("rank").get(rank, {}).get("pay_group")
    attrs = attrs_map("pay_group").get(str(group))
    if not attrs or not attrs.get("steps"):
        raise refuse("no_pay_group", f"Ngạch {rank} chưa có bảng lương trong danh mục.")
    return attrs


def _coefficient(steps: list[Any], step: int) -> str:
    return str(Decimal(str(steps[step - 1])).quantize(CENT))


def _salary_row(
    decision: PersonnelDecision, current: dict[str, Any], **values: Any
) -> dict[str, Any]:
    row = {
        "from_date": _iso(decision.effective_date),
        "rank_code": current.get("rank_code"),
        "step": current.get("step"),
        "coefficient": current.get("coefficient"),
        "over_frame_percent": current.get("over_frame_percent") or 0,
        "position_allowance": current.get("position_allowance") or "0",
        "other_allowances": current.get("other_allowances") or "",
        "decision_number": decision.number,
        **values,
    }
    return {"op": "add", "section": "salary", "row": row}


def _delay(data: Data, since: date, until: date) -> tuple[int, list[str]]:
    """Months the next raise is delayed by disciplines taking effect in (since, until]; delays
    add up (Thông tư 08/2013/TT-BNV as amended; months in the ``discipline_form`` catalog)."""
    months, why = 0, []
    for row in _rows(data, "discipline"):
        start = _day(row.get("effect_from"))
        if start is None or not since < start <= until:
            continue
        name, attrs = entry_on("discipline_form", str(row.get("form_code")), start)
        if attrs.get("salary_delay_months"):
            months += int(attrs["salary_delay_months"])
            why.append(f"{name} từ {vn(start)}")
    return months, why


def _earliest(data: Data, since: date, until: date, months: int) -> tuple[date, str]:
    delay, why = _delay(data, since, until)
    note = f", kéo dài {delay} tháng do kỷ luật ({'; '.join(why)})" if delay else ""
    return add_months(since, months + delay), note


def _was_early(personal_id: str, number: Any) -> bool:
    from hoso.changes.models import ChangeStatus, PersonnelDecision

    return (
        bool(number)
        and PersonnelDecision.objects.filter(
            personal_id=personal_id,
            decision_type="salary_raise_early",
            number=number,
            changeset__status=ChangeStatus.APPLIED,
        ).exists()
    )


@effect("salary_raise_regular", "salary_raise_early")
def _salary_raise(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The next step of the current rank, with its coefficient from the ``pay_group`` catalog,
    from the effective date. Regular: after `step_months` in the step, plus discipline delays.
    Early: at most ``early_raise_max_months`` (``decision_type`` catalog) before that, and
    not twice in a row in one rank."""
    Params(params).check()
    early = decision.decision_type == "salary_raise_early"
    rows = _salary(data)
    current = rows[-1]
    rank, step = str(current.get("rank_code")), int(current.get("step") or 0)
    group = _pay_group(rank)
    steps = group["steps"]
    if step >= len(steps):
        raise refuse(
            "last_step",
            f"Ngạch {rank} có {len(steps)} bậc và người này đã ở bậc {step}: xét phụ cấp thâm niên "
            "vượt khung, không nâng bậc.",
        )
    since = _day(current.get("from_date"))
    on = decision.effective_date
    assert since is not None
    if on <= since:
        raise refuse(
            "not_after_current",
            f"Bậc {step} được hưởng từ {vn(since)}, không trước ngày có hiệu lực {vn(on)}.",
            "effective_date",
        )
    earliest, note = _earliest(data, since, on, int(group["step_months"]))
    held = f"bậc {step} hưởng từ {vn(since)}, thời gian giữ bậc {group['step_months']} tháng{note}"
    if not early and on < earliest:
        raise refuse(
            "too_early",
            f"Chưa đủ thời gian nâng bậc thường xuyên: {held}; sớm nhất từ {vn(earliest)}.",
            "effective_date",
        )
    if early:
        limit = (
            attrs_map("decision_type").get("salary_raise_early", {}).get("early_raise_max_months")
        )
        if not isinstance(limit, int):
            raise refuse(
                "no_early_limit",
                "Danh mục loại quyết định chưa quy định số tháng nâng bậc lương trước thời hạn "
                "tối đa.",
            )
        if on >= earliest:
            raise refuse(
                "not_early",
                f"Đã đủ thời gian nâng bậc thường xuyên từ {vn(earliest)}: dùng quyết định nâng "
                "bậc lương thường xuyên.",
                "decision_type",
            )
        soonest = add_months(earliest, -limit)
        if on < soonest:
            raise refuse(
                "too_early",
                f"Nâng bậc trước thời hạn tối đa {limit} tháng: {held}; sớm nhất từ {vn(soonest)}.",
                "effective_date",
            )
        previous = rows[-2] if len(rows) > 1 else None
        pid = str((data.get("identity") or {}).get("personal_id"))
        if (
            previous
            and previous.get("rank_code") == rank
            and _was_early(pid, current.get("decision_number"))
        ):
            raise refuse(
                "early_twice",
                f"Bậc {step} đã được nâng trước thời hạn "
                f"(quyết định {current.get('decision_number')}): "
                "không nâng bậc trước thời hạn hai lần liên tiếp trong cùng ngạch.",
                "decision_type",
            )
    return [
        _salary_row(
            decision,
            current,
            step=step + 1,
            coefficient=_coefficient(steps, step + 1),
            over_frame_percent=0,
        )
    ]


@effect("seniority_allowance")
def _seniority_allowance(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """On the last step: `first_percent` after `first_after_months`, then `yearly_percent` more
    each year (``pay_group.seniority_allowance``), delayed by disciplines like a raise."""
    Params(params).check()
    rows = _salary(data)
    current = rows[-1]
    rank, step = str(current.get("rank_code")), int(current.get("step") or 0)
    group = _pay_group(rank)
    rule = group.get("seniority_allowance") or {}
    if step < len(group["steps"]) or not rule:
        raise refuse(
            "not_last_step",
            f"Chỉ hưởng phụ cấp thâm niên vượt khung khi đã ở bậc cuối của ngạch {rank}.",
        )
    percent = int(current.get("over_frame_percent") or 0)
    since = _day(current.get("from_date"))
    assert since is not None
    on = decision.effective_date
    months = int(rule["first_after_months"]) if percent == 0 else 12  # "mỗi năm": a year
    earliest, note = _earliest(data, since, on, months)
    if on < earliest:
        raise refuse(
            "too_early",
            f"Chưa đủ thời gian: mức hiện tại hưởng từ {vn(since)}, cần {months} tháng{note}; "
            f"sớm nhất từ {vn(earliest)}.",
            "effective_date",
        )
    new = int(rule["first_percent"]) if percent == 0 else percent + int(rule["yearly_percent"])
    return [_salary_row(decision, current, over_frame_percent=new)]


@effect("rank_change")
def _rank_change(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The new rank from the effective date. Without a step given, the step whose coefficient
    equals or comes nearest above the current one, seniority allowance included (Thông tư
    02/2007/TT-BNV, mục II)."""
    p = Params(params)
    rank = p.code("rank_code", "Ngạch mới", "rank", required=True, on=decision.effective_date)
    step = p.integer("step", "Bậc lương ở ngạch mới", minimum=1, maximum=99)
    p.check()
    current = _salary(data)[-1]
    if rank == current.get("rank_code"):
        raise refuse("same_rank", f"Người này đang ở ngạch {rank}.", "parameters.rank_code")
    steps = _pay_group(rank)["steps"]
    if step is not None and step > len(steps):
        raise refuse(
            "step_out_of_range", f"Ngạch {rank} chỉ có {len(steps)} bậc.", "parameters.step"
        )
    if step is None:
        now = Decimal(str(current.get("coefficient"))) * (
            1 + Decimal(int(current.get("over_frame_percent") or 0)) / 100
        )
        step = next((i for i, c in enumerate(steps, start=1) if Decimal(str(c)) >= now), len(steps))
    return [
        _salary_row(
            decision,
            current,
            rank_code=rank,
            step=step,
            coefficient=_coefficient(steps, step),
            over_frame_percent=0,
        )
    ]


# --- Evaluation, reward, discipline, personal history --------------------------------------------


@effect("evaluation")
def _evaluation(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The year's row is added, or corrected if the year has one. A score must fall in the
    grade's band where a scoring scale applies (``evaluation_grade.scoring``), except for
    "not completed", which also follows from listed grounds whatever the score."""
    p = Params(params)
    on = decision.effective_date
    year = p.integer("year", "Năm đánh giá", required=True, minimum=1945, maximum=on.year)
    grade = p.code("grade_code", "Xếp loại", "evaluation_grade", required=True)
    score = p.number("score", "Điểm", minimum=Decimal(0), maximum=Decimal(100))
    note = p.text("note", "Ghi chú")
    p.check()
    assert year is not None
    name, attrs = entry_on("evaluation_grade", grade, on)
    scoring = attrs.get("scoring") or {}
    category = _employment(data).get("staff_category")
    applies = (
        score is not None
        and attrs.get("counts_as_completed", True)
        and category in (scoring.get("applies_to") or [])
        and (_day(scoring.get("valid_from")) or date.min).year <= year
    )
    if applies:
        low, high = scoring.get("min_score"), scoring.get("max_score")
        if (low is not None and score < Decimal(str(low))) or (
            high is not None and score >= Decimal(str(high))
        ):
            band = f"từ {low} đến dưới {high}" if high is not None else f"từ {low}"
            raise refuse(
                "score_out_of_band",
                f"Mức «{name}» ứng với điểm {band}; điểm {score} không khớp.",
                "parameters.score",
            )
    values: dict[str, Any] = {"year": year, "grade_code": grade}
    if score is not None:
        values["score"] = str(score)
    if note:
        values["note"] = note
    for index, row in enumerate(_rows(data, "evaluations")):
        if str(row.get("year")) == str(year):
            return [{"op": "correct", "section": "evaluations", "index": index, "row": values}]
    return [{"op": "add", "section": "evaluations", "row": values}]


@effect("reward")
def _reward(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    p = Params(params)
    form = p.code(
        "form_code", "Hình thức khen thưởng", "award_form", required=True, on=decision.signed_date
    )
    reason = p.text("reason", "Nội dung khen thưởng")
    p.check()
    row = {
        "award_date": _iso(decision.signed_date),
        "form_code": form,
        "reason": reason,
        "decision_number": decision.number,
        "issuer": decision.issuer,
    }
    return [{"op": "add", "section": "awards", "row": row}]


# Forms that end more than the restriction: these codes are stable identifiers of the
# ``discipline_form`` catalog (NĐ 172/2025): buộc thôi việc ends employment, bãi nhiệm ends
# the elected post; forms marked ``leadership_only`` (cách chức, giáng chức) end the post held.
ENDS_EMPLOYMENT = frozenset({"forced_dismissal"})
ENDS_POST = frozenset({"removal_from_office"})


@effect("discipline")
def _discipline(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """A discipline row effective from the effective date to the end of its form's restriction
    period (``discipline_form.restriction_months``); leadership forms end the post held."""
    p = Params(params)
    on = decision.effective_date
    form = p.code("form_code", "Hình thức kỷ luật", "discipline_form", required=True, on=on)
    reason = p.text("reason", "Lý do kỷ luật", required=True)
    lower_post = p.code("position_code", "Chức vụ mới sau giáng chức", "position", on=on)
    p.check()
    name, attrs = entry_on("discipline_form", form, on)
    category = _employment(data).get("staff_category")
    if attrs.get("applies_to") and category not in attrs["applies_to"]:
        raise refuse(
            "form_not_applicable",
            f"Hình thức «{name}» không áp dụng cho {name_of('staff_category', category).lower()}.",
            "parameters.form_code",
        )
    if lower_post and not attrs.get("leadership_only"):
        raise refuse(
            "unused_parameter",
            f"Hình thức «{name}» không đổi chức vụ: bỏ tham số «position_code».",
            "parameters.position_code",
        )
    months = attrs.get("restriction_months")
    row = {
        "decision_date": _iso(decision.signed_date),
        "form_code": form,
        "reason": reason,
        "decision_number": decision.number,
        "issuer": decision.issuer,
        "effect_from": _iso(on),
        "effect_to": _iso(add_months(on, int(months))) if months else None,
    }
    ops: Ops = [{"op": "add", "section": "discipline", "row": row}]
    if form in ENDS_EMPLOYMENT:
        ops += _end_service(decision, data, StaffStatus.DISMISSED, f"{name} từ {vn(on)}")
    elif form in ENDS_POST or attrs.get("leadership_only"):
        main = _leadership_post(data, name.lower())
        unit = org_get(str(_rows(data, "positions")[main].get("organization"))) or _current_unit(
            data
        )
        if form in ENDS_POST:
            ops.append(_close(data, "positions", main, on))
        else:
            title = name_of("position", lower_post) if lower_post else ""
            ops += _move(
                decision, data, unit=unit, position_code=lower_post, job_position="", title=title
            )
    return ops


PERSONAL_HISTORY_FIELDS = {
    "arrests": "Bị bắt, bị tù",
    "former_regime": "Làm việc trong chế độ cũ",
    "foreign_organizations": "Tham gia hoặc có quan hệ với tổ chức ở nước ngoài",
    "relatives_abroad": "Thân nhân ở nước ngoài",
}


@effect("personal_conclusion")
def _personal_conclusion(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The concluded items of the personal history (Mẫu 2C item 29) replace what was declared."""
    p = Params(params)
    values = {
        name: p.text(name, label, max_length=2000)
        for name, label in PERSONAL_HISTORY_FIELDS.items()
    }
    values = {k: v for k, v in values.items() if v}
    if not values:
        p.fail(
            "required",
            "Cần ít nhất một nội dung kết luận: " + ", ".join(PERSONAL_HISTORY_FIELDS) + ".",
        )
    p.check()
    if not data.get("personal_history"):
        values["declared_on"] = _iso(decision.signed_date)
    return [{"op": "set", "section": "personal_history", "values": values}]


# --- Running the registry ------------------------------------------------------------------------


def operations_for(decision: PersonnelDecision, data: Data, params: Data) -> Ops | None:
    """The operations a decision proposes on `data`, or None for a record-only type.

    Refused (ValidationFailed, Vietnamese reason) when the type has no effect, when the
    person no longer works (except `ALLOWED_AFTER_SERVICE`), or when a running discipline
    forbids it (`RESTRICTED_BY_DISCIPLINE`).
    """
    code = decision.decision_type
    if code in RECORD_ONLY:
        Params(params).check()
        return None
    func = EFFECTS.get(code)
    if func is None:
        raise refuse(
            "no_effect", f"Loại quyết định «{code}» chưa có tác động vào hồ sơ.", "decision_type"
        )
    status = _employment(data).get("status") or StaffStatus.WORKING
    if status != StaffStatus.WORKING and code not in ALLOWED_AFTER_SERVICE:
        label = StaffStatus(status).label.lower() if status in StaffStatus.values else status
        raise refuse(
            "not_working",
            f"Người này {label}: không áp dụng quyết định {_type_name(decision).lower()}.",
            "personal_id",
        )
    if code in RESTRICTED_BY_DISCIPLINE:
        running = discipline_restrictions(data, decision.effective_date)
        if running:
            raise refuse(
                "under_discipline",
                f"Đang trong thời hạn kỷ luật vào ngày {vn(decision.effective_date)}: "
                f"{'; '.join(running)}. Không được {_type_name(decision).lower()} "
                "trong thời hạn này "
                "(Luật Cán bộ, công chức Điều 82; Luật Viên chức Điều 56).",
                "effective_date",
            )
    return func(decision, data, params)
