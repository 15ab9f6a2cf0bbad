"""What the effects of every decision group share: reading the decision's parameters
(`Params`), refusing with a Vietnamese reason (`refuse`), reading the dossier and the catalogs,
and the rows a decision adds or ends (posts, work periods, career events). Pure but for
catalog and agency-tree reads; nothing is written here."""

from __future__ import annotations

import calendar as _month_lengths
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from hoso.catalog.selectors import entries, name_of
from hoso.core.dates import vn
from hoso.core.errors import Problem, ValidationFailed
from hoso.orgs.models import Organization
from hoso.orgs.selectors import org_get

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

Data = dict[str, Any]
Ops = list[dict[str, Any]]

ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")


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


def as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def entry_on(catalog: str, code: str, on: date) -> tuple[str, dict[str, Any]]:
    """(name, attrs) of the catalog entry in force on `on` (the latest version otherwise)."""
    row = entries(catalog, on=on).filter(code=code).order_by("-valid_from").first()
    row = row or entries(catalog).filter(code=code).order_by("-valid_from").first()
    return (row.name, dict(row.attrs)) if row else (code, {})


def rows_of(data: Data, key: str) -> list[dict[str, Any]]:
    return list(data.get(key) or [])


def employment_of(data: Data) -> dict[str, Any]:
    return dict(data.get("employment") or {})


def current_main(data: Data) -> int | None:
    """Index of the current main post (main, no end date)."""
    found = None
    for index, row in enumerate(rows_of(data, "positions")):
        if row.get("is_main", True) and not row.get("to_date"):
            found = index
    return found


def open_rows(data: Data, key: str) -> list[int]:
    return [i for i, row in enumerate(rows_of(data, key)) if not row.get("to_date")]


def current_unit(data: Data) -> Organization:
    code = employment_of(data).get("current_unit")
    unit = org_get(str(code)) if code else None
    if unit is None:
        raise refuse("no_current_unit", "Hồ sơ chưa có đơn vị sử dụng hợp lệ.")
    return unit


SECTION_TITLES = {"positions": "Chức vụ", "work_history": "Quá trình công tác"}


def close_row(data: Data, section: str, index: int, effective: date) -> dict[str, Any]:
    """End a row the day before `effective`."""
    last_day = effective - ONE_DAY
    start = as_date(rows_of(data, section)[index].get("from_date"))
    if start and start > last_day:
        raise refuse(
            "starts_after_effect",
            f"{SECTION_TITLES[section]} hiện tại bắt đầu từ {vn(start)}: không thể kết thúc trước "
            f"ngày quyết định có hiệu lực {vn(effective)}.",
            "effective_date",
        )
    return {"op": "correct", "section": section, "index": index, "row": {"to_date": iso(last_day)}}


def rank_title(data: Data) -> str:
    salary = sorted(rows_of(data, "salary"), key=lambda r: str(r.get("from_date")))
    rank = salary[-1].get("rank_code") if salary else ""
    return (
        name_of("rank", rank)
        if rank
        else name_of("staff_category", employment_of(data).get("staff_category"))
    )


def career_event(
    decision: PersonnelDecision, text: str, *, before_signed: bool = False
) -> dict[str, Any]:
    """A ``career_events`` row naming the decision. `before_signed` lets the event precede
    its document (a death is certified after it happened), which a decision on a career never
    does. Such a row is dated by the event on both dates (a career event is never signed after
    it takes effect: a constraint of the dossier), the document's number and date kept in its
    summary."""
    earlier = decision.effective_date < decision.signed_date
    if earlier and not before_signed:
        raise refuse(
            "effective_before_signed",
            f"Quyết định về quá trình công tác không có hiệu lực trước ngày ký: ngày có hiệu lực "
            f"{vn(decision.effective_date)}, ngày ký {vn(decision.signed_date)}.",
            "effective_date",
        )
    summary = decision.summary or text
    if earlier:
        summary = f"{summary} (văn bản số {decision.number} ngày {vn(decision.signed_date)})"
    return {
        "op": "add",
        "section": "career_events",
        "row": {
            "decision_type": decision.decision_type,
            "decision_number": decision.number,
            "signed_date": iso(decision.effective_date if earlier else decision.signed_date),
            "issuer": decision.issuer,
            "effective_date": iso(decision.effective_date),
            "summary": summary[:300],
        },
    }


def type_name(decision: PersonnelDecision) -> str:
    return name_of("decision_type", decision.decision_type)


def position_row(
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
        "from_date": iso(decision.effective_date),
        "decision_number": decision.number,
    }
    if job_position:
        row["job_position"] = job_position
    if to_date:
        row["to_date"] = iso(to_date)
    return {"op": "add", "section": "positions", "row": row}


def work_row(decision: PersonnelDecision, unit: Organization, title: str) -> dict[str, Any]:
    return {
        "op": "add",
        "section": "work_history",
        "row": {
            "from_date": iso(decision.effective_date),
            "organization": unit.code,
            "unit_name": unit.name,
            "title": title[:200],
        },
    }


def close_work(data: Data, decision: PersonnelDecision) -> Ops:
    return [
        close_row(data, "work_history", i, decision.effective_date)
        for i in open_rows(data, "work_history")
    ]


def move(
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
    main = current_main(data)
    if main is not None:
        ops.append(close_row(data, "positions", main, decision.effective_date))
    ops += close_work(data, decision)
    ops.append(position_row(decision, unit, position_code, job_position))
    ops.append(work_row(decision, unit, title or rank_title(data)))
    return ops


def set_unit(data: Data, unit: Organization, managing: Organization | None) -> Ops:
    values: dict[str, Any] = {}
    if employment_of(data).get("current_unit") != unit.code:
        values["current_unit"] = unit.code
    if managing is not None and employment_of(data).get("managing_agency") != managing.code:
        values["managing_agency"] = managing.code
    return [{"op": "set", "section": "employment", "values": values}] if values else []


def leadership_post(data: Data, what: str) -> int:
    main = current_main(data)
    if main is None or not rows_of(data, "positions")[main].get("position_code"):
        raise refuse("no_leadership_post", f"Người này không giữ chức vụ lãnh đạo nào để {what}.")
    return main


def end_service(
    decision: PersonnelDecision,
    data: Data,
    status: str,
    text: str,
    *,
    before_signed: bool = False,
) -> Ops:
    ops: Ops = [{"op": "set", "section": "employment", "values": {"status": status}}]
    ops += [
        close_row(data, "positions", i, decision.effective_date)
        for i in open_rows(data, "positions")
    ]
    ops += close_work(data, decision)
    ops.append(career_event(decision, text, before_signed=before_signed))
    return ops
