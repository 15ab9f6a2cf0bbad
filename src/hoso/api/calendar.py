"""/api/v1/calendar: working days and deadlines (public reference data, no dossier content)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import WithJsonSchema

from hoso.api.params import DateText, responses
from hoso.calendar import selectors
from hoso.calendar.engine import FIRST_DAY, LAST_DAY, OutOfRange
from hoso.core.errors import Problem, ValidationFailed

router = Router(tags=["Lịch làm việc, thời hạn"])

# A limit of this API (about 14 years of working days), not a number from law.
MAX_DAYS = 3650
# Parsed by the handler (specific messages), described to clients as the integer it must be.
DaysText = Annotated[str, WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_DAYS})]


class DayOut(Schema):
    date: date
    working: bool
    reasons: list[str]
    legal_basis: list[str]


class SkippedDayOut(Schema):
    date: date
    reasons: list[str]


class WorkingDaysOut(Schema):
    start: date
    days: int
    due_date: date
    counted: list[date]
    skipped: list[SkippedDayOut]


def _parse_day(value: str, field: str, label: str, problems: list[Problem]) -> date | None:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        problems.append(
            Problem("bad_date", f"{label} «{value}» không đúng dạng YYYY-MM-DD.", field)
        )
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        problems.append(
            Problem(
                "date_out_of_range",
                f"{label} phải trong khoảng {FIRST_DAY:%d/%m/%Y} – {LAST_DAY:%d/%m/%Y}.",
                field,
            )
        )
        return None
    return day


def _parse_days(value: str, problems: list[Problem]) -> int | None:
    try:
        days = int(value.strip())
    except ValueError:
        problems.append(Problem("bad_number", f"Số ngày «{value}» không phải số nguyên.", "days"))
        return None
    if not 0 <= days <= MAX_DAYS:
        problems.append(
            Problem("out_of_range", f"Số ngày làm việc phải từ 0 đến {MAX_DAYS}.", "days")
        )
        return None
    return days


@router.get(
    "/calendar/working-days",
    response=responses({200: WorkingDaysOut}),
    summary="Ngày đến hạn sau N ngày làm việc",
)
def working_days(
    request: HttpRequest,
    start: DateText,
    days: DaysText,
) -> dict:
    """`start`: the day of the event (not counted); `days`: working days to count."""
    problems: list[Problem] = []
    start_day = _parse_day(start, "start", "Ngày bắt đầu", problems)
    count = _parse_days(days, problems)
    if problems or start_day is None or count is None:
        raise ValidationFailed(problems)
    try:
        span = selectors.calendar().span(start_day, count)
    except OutOfRange as exc:
        raise ValidationFailed([Problem("date_out_of_range", str(exc), "days")]) from exc
    return {
        "start": start_day,
        "days": count,
        "due_date": span[-1].date if span else start_day,
        "counted": [d.date for d in span if d.working],
        "skipped": [{"date": d.date, "reasons": d.reasons} for d in span if not d.working],
    }


@router.get(
    "/calendar/day/{day}",
    response=responses({200: DayOut}),
    summary="Một ngày là ngày làm việc hay ngày nghỉ, và lý do",
)
def calendar_day(request: HttpRequest, day: DateText) -> dict:
    problems: list[Problem] = []
    parsed = _parse_day(day, "day", "Ngày", problems)
    if parsed is None:
        raise ValidationFailed(problems)
    info = selectors.calendar().why(parsed)
    return {
        "date": info.date,
        "working": info.working,
        "reasons": info.reasons,
        "legal_basis": info.legal_basis,
    }
