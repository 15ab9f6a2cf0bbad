"""Working days and deadlines: the `holidays` calendar for Vietnam plus dated overrides.

Pure domain code (DESIGN.md 9): no Django, no ORM. The law it applies:

* Weekly rest and public holidays come from the `holidays` package (country "VN"): Saturday and
  Sunday off (the 40-hour week of the public sector), the 11 paid holidays of the Labour Code
  2019 Art. 112, a holiday on a weekly rest day carried to the next working day, and the swaps
  the package knows (a weekday given off, a Saturday worked).
* **Overrides** win over the package for their day, both for whether it is worked and for the
  reasons shown: an official swap the package lacks, a new holiday, or a correction. Each one
  cites its government document. They are catalog data (``calendar_override``), so an
  administrator adds a government letter with ``hoso catalog load`` and no release.
* Counting follows the Civil Code 2015 (Art. 147(2)): the day of the event is **not counted**;
  the deadline of "n working days" is the n-th working day after the event.
* Deadlines are policy data (``deadline_policy``): an obligation, a count, a unit (calendar
  ``days`` or ``working_days``), validity dates and a legal basis, never a literal in code.

Dates outside ``FIRST_DAY``..``LAST_DAY`` are refused (`OutOfRange`): before 2000 the weekly
rest did not match (Saturdays became days off for the public sector only from 2/10/1999,
QĐ 188/1999/QĐ-TTg), and the package's lunar tables end in 2100.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import holidays

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "WEEKDAY_NAMES",
    "Calendar",
    "DayInfo",
    "DayUnit",
    "DeadlinePolicy",
    "DeadlineRule",
    "NoDeadlineRule",
    "ObligationStatus",
    "OutOfRange",
    "Override",
    "OverrideKind",
    "deadline_for",
    "document_entries",
    "obligation_status",
    "override_from_entry",
    "policies_from_entries",
]

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
ONE_DAY = timedelta(days=1)

# The package names a day given off in a swap "Ngày nghỉ (thay cho ngày 26/04/2025)", naming
# the Saturday worked instead; read back to explain that Saturday.
_SWAP_LABEL = re.compile(r"thay cho ngày (\d{2}/\d{2}/\d{4})")


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class OutOfRange(ValueError):
    """A date the calendar does not cover."""


class OverrideKind(StrEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


@dataclass(frozen=True)
class Override:
    """One day decided by a government document, whatever the package says."""

    day: date
    kind: OverrideKind
    reason: str
    legal_basis: str

    def __post_init__(self) -> None:
        if not isinstance(self.day, date):
            raise TypeError(f"day must be a date, not {type(self.day).__name__}")
        object.__setattr__(self, "kind", OverrideKind(self.kind))
        if not self.reason.strip():
            raise ValueError(f"Ngày {_fmt(self.day)}: thiếu lý do.")
        if not self.legal_basis.strip():
            raise ValueError(f"Ngày {_fmt(self.day)}: thiếu căn cứ pháp lý.")


@dataclass(frozen=True)
class DayInfo:
    """Whether a day is worked, and why. ``reasons`` starts with the weekday's name."""

    date: date
    working: bool
    reasons: list[str]
    legal_basis: list[str] = field(default_factory=list)


class Calendar:
    """Working days of Vietnam's public sector: `holidays` (VN) plus overrides.

    Thread-safe: the package fills its tables a year at a time on first use, under a lock.
    """

    def __init__(self, overrides: Iterable[Override] = ()) -> None:
        by_day: dict[date, Override] = {}
        for override in overrides:
            if override.day in by_day:
                raise ValueError(f"Ngày {_fmt(override.day)} có hai điều chỉnh lịch.")
            by_day[override.day] = override
        self.overrides: Mapping[date, Override] = by_day
        self._holidays = holidays.country_holidays("VN", language="vi")
        self._lock = threading.Lock()

    # -- one day ---------------------------------------------------------------------------

    @staticmethod
    def _check(day: date) -> None:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise OutOfRange(
                f"Ngày {_fmt(day)} nằm ngoài phạm vi của lịch "
                f"({_fmt(FIRST_DAY)} – {_fmt(LAST_DAY)})."
            )

    def _package(self, day: date) -> tuple[list[str], bool]:
        """The package's holiday names for the day, and whether it is a worked weekend day."""
        with self._lock:
            names = self._holidays.get_list(day)  # fills the day's year on first use
            worked_weekend = day.weekday() >= 5 and day in self._holidays.weekend_workdays
        return names, worked_weekend

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        override = self.overrides.get(day)
        if override is not None:
            return override.kind is OverrideKind.WORKING_DAY
        names, worked_weekend = self._package(day)
        if day.weekday() >= 5:
            return worked_weekend
        return not names

    def why(self, day: date) -> DayInfo:
        """The day explained in Vietnamese: "Thứ Bảy", "Tết Nguyên Đán", "Làm bù cho ngày …"."""
        self._check(day)
        reasons = [WEEKDAY_NAMES[day.weekday()]]
        override = self.overrides.get(day)
        if override is not None:
            reasons.append(override.reason)
            working = override.kind is OverrideKind.WORKING_DAY
            return DayInfo(day, working, reasons, [override.legal_basis])
        names, worked_weekend = self._package(day)
        reasons += names
        if worked_weekend:
            reasons.append(self._worked_weekend_reason(day))
        working = worked_weekend if day.weekday() >= 5 else not names
        return DayInfo(day, working, reasons)

    def _worked_weekend_reason(self, day: date) -> str:
        wanted = _fmt(day)
        for year in (day.year - 1, day.year, day.year + 1):
            if not FIRST_DAY.year <= year <= LAST_DAY.year:
                continue
            with self._lock:
                self._holidays.get(date(year, 1, 1))  # fill that year
                items = [(d, n) for d, n in self._holidays.items() if d.year == year]
            for off_day, name in items:
                match = _SWAP_LABEL.search(name)
                if match and match.group(1) == wanted:
                    return f"Làm bù cho ngày {_fmt(off_day)}"
        return "Ngày làm việc bù theo lịch nghỉ của Nhà nước"

    # -- counting --------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (the day of the event is not counted).

        ``n == 0`` gives `start` itself. `start` may be a day off.
        """
        if n < 0:
            raise ValueError("Số ngày làm việc không được âm.")
        self._check(start)
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days d with a < d <= b (`a` itself is not counted)."""
        if b < a:
            raise ValueError("Ngày kết thúc phải sau ngày bắt đầu.")
        self._check(a)
        self._check(b)
        count = 0
        day = a + ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def span(self, start: date, n: int) -> list[DayInfo]:
        """Every day after `start` up to the n-th working day, explained (empty for n == 0)."""
        due = self.add_working_days(start, n)
        days: list[DayInfo] = []
        day = start + ONE_DAY
        while day <= due:
            days.append(self.why(day))
            day += ONE_DAY
        return days

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is worked, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


# -- deadline policy ---------------------------------------------------------------------------


class DayUnit(StrEnum):
    DAYS = "days"  # calendar days
    WORKING_DAYS = "working_days"


class NoDeadlineRule(LookupError):
    """The policy sets no deadline for this obligation on this date."""


@dataclass(frozen=True)
class DeadlineRule:
    """A rule "`obligation` within `count` `unit` of the event", for events in a period.

    For calendar days, `roll_forward` says that a deadline falling on a day off ends on the
    next working day (Civil Code 2015 Art. 148(5)).
    """

    obligation: str
    count: int
    unit: DayUnit
    valid_from: date | None
    valid_to: date | None
    legal_basis: str
    event: str = ""
    roll_forward: bool = True
    code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", DayUnit(self.unit))
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValueError(f"{self.code or self.obligation}: số ngày phải là số nguyên ≥ 0.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"{self.code or self.obligation}: hết hiệu lực trước khi có hiệu lực.")
        if not self.legal_basis.strip():
            raise ValueError(f"{self.code or self.obligation}: thiếu căn cứ pháp lý.")

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def overlaps(self, other: DeadlineRule) -> bool:
        start = max(self.valid_from or date.min, other.valid_from or date.min)
        end = min(self.valid_to or date.max, other.valid_to or date.max)
        return start <= end


@dataclass(frozen=True)
class DeadlinePolicy:
    """A named set of rules, e.g. the seeds' draft of 2022 or NĐ 27/2026."""

    code: str
    name: str
    rules: tuple[DeadlineRule, ...]
    default: bool = False
    legal_basis: str = ""

    def __post_init__(self) -> None:
        rules = tuple(self.rules)
        object.__setattr__(self, "rules", rules)
        for i, rule in enumerate(rules):
            for other in rules[i + 1 :]:
                if rule.obligation == other.obligation and rule.overlaps(other):
                    raise ValueError(
                        f"Chính sách {self.code}: hai quy tắc cho «{rule.obligation}» "
                        "có hiệu lực chồng nhau."
                    )

    @property
    def obligations(self) -> list[str]:
        return sorted({rule.obligation for rule in self.rules})

    def rule_for(self, obligation: str, event_date: date) -> DeadlineRule:
        for rule in self.rules:
            if rule.obligation == obligation and rule.applies_on(event_date):
                return rule
        raise NoDeadlineRule(
            f"Chính sách {self.code} không quy định thời hạn «{obligation}» "
            f"cho sự kiện ngày {_fmt(event_date)}."
        )


def deadline_for(
    event_date: date, obligation: str, policy: DeadlinePolicy, calendar: Calendar
) -> date:
    """The last day to fulfil `obligation` for an event on `event_date` (inclusive)."""
    rule = policy.rule_for(obligation, event_date)
    if rule.unit is DayUnit.WORKING_DAYS:
        return calendar.add_working_days(event_date, rule.count)
    due = event_date + timedelta(days=rule.count)
    return calendar.next_working_day(due) if rule.roll_forward else due


class ObligationStatus(StrEnum):
    ON_TIME = "on_time"  # not done, more than `due_soon_days` left
    DUE_SOON = "due_soon"  # not done, at most `due_soon_days` left (the due day included)
    OVERDUE = "overdue"  # not done, the due day has passed
    DONE_LATE = "done_late"  # done after the due day
    DONE = "done"  # done on or before the due day


def obligation_status(
    due: date,
    done_on: date | None,
    today: date,
    due_soon_days: int,
    *,
    calendar: Calendar | None = None,
) -> ObligationStatus:
    """Where an obligation stands. The due day is the last allowed day.

    Once done, only `done_on` matters. Otherwise the days left are counted after `today` up to
    `due`: in working days with a `calendar`, in calendar days without one; on the due day
    itself 0 are left, so it is `due_soon` for any `due_soon_days` >= 0.
    """
    if due_soon_days < 0:
        raise ValueError("due_soon_days must be >= 0")
    if done_on is not None:
        return ObligationStatus.DONE if done_on <= due else ObligationStatus.DONE_LATE
    if today > due:
        return ObligationStatus.OVERDUE
    left = calendar.working_days_between(today, due) if calendar else (due - today).days
    return ObligationStatus.DUE_SOON if left <= due_soon_days else ObligationStatus.ON_TIME


# -- reading catalog entries (plain mappings, from a file or from the database) ----------------


def _as_date(value: Any, what: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what}: ngày «{value}» không đúng dạng YYYY-MM-DD.") from None


def document_entries(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A catalog file's entries with the file's defaults (legal basis, valid_from) applied."""
    out = []
    for entry in doc.get("entries") or []:
        row = dict(entry)
        row["legal_basis"] = entry.get("legal_basis") or doc.get("legal_basis") or ""
        row["valid_from"] = entry.get("valid_from") or doc.get("valid_from")
        out.append(row)
    return out


def override_from_entry(entry: Mapping[str, Any]) -> Override:
    """A ``calendar_override`` entry: code = the day (YYYY-MM-DD), name = the reason,
    ``attrs.kind`` = "day_off" | "working_day". Raises ValueError with a Vietnamese message."""
    code = str(entry.get("code", ""))
    day = _as_date(code, f"Điều chỉnh lịch «{code}»")
    if day is None:
        raise ValueError("Điều chỉnh lịch: thiếu mã (ngày YYYY-MM-DD).")
    attrs = entry.get("attrs") or {}
    kind = attrs.get("kind")
    if kind not in {k.value for k in OverrideKind}:
        raise ValueError(
            f"Điều chỉnh lịch «{code}»: «kind» phải là day_off hoặc working_day, không phải "
            f"«{kind}»."
        )
    return Override(
        day=day,
        kind=OverrideKind(kind),
        reason=str(entry.get("name") or ""),
        legal_basis=str(entry.get("legal_basis") or ""),
    )


def policies_from_entries(entries: Iterable[Mapping[str, Any]]) -> dict[str, DeadlinePolicy]:
    """``deadline_policy`` entries: policies (``attrs.kind`` = "policy") and their rules
    (``attrs.kind`` = "rule", ``parent`` = the policy's code). Raises ValueError."""
    rows = list(entries)
    heads = [r for r in rows if (r.get("attrs") or {}).get("kind") == "policy"]
    rules: dict[str, list[DeadlineRule]] = {str(h["code"]): [] for h in heads}
    for row in rows:
        attrs = row.get("attrs") or {}
        if attrs.get("kind") == "policy":
            continue
        code = str(row.get("code", ""))
        if attrs.get("kind") != "rule":
            raise ValueError(f"Thời hạn «{code}»: «kind» phải là policy hoặc rule.")
        parent = str(row.get("parent") or row.get("parent_code") or "")
        if parent not in rules:
            raise ValueError(f"Thời hạn «{code}»: không có chính sách «{parent}».")
        unit = attrs.get("unit")
        if unit not in {u.value for u in DayUnit}:
            raise ValueError(f"Thời hạn «{code}»: «unit» phải là days hoặc working_days.")
        if unit == DayUnit.DAYS and not isinstance(attrs.get("roll_forward"), bool):
            raise ValueError(f"Thời hạn «{code}»: thời hạn tính theo ngày cần «roll_forward».")
        if not attrs.get("obligation"):
            raise ValueError(f"Thời hạn «{code}»: thiếu «obligation».")
        rules[parent].append(
            DeadlineRule(
                obligation=str(attrs["obligation"]),
                count=attrs.get("count"),  # type: ignore[arg-type]  # checked by the rule
                unit=DayUnit(unit),
                valid_from=_as_date(row.get("valid_from"), code),
                valid_to=_as_date(row.get("valid_to"), code),
                legal_basis=str(row.get("legal_basis") or ""),
                event=str(attrs.get("event") or ""),
                roll_forward=bool(attrs.get("roll_forward", True)),
                code=code,
            )
        )
    policies = {
        str(h["code"]): DeadlinePolicy(
            code=str(h["code"]),
            name=str(h.get("name") or ""),
            rules=tuple(rules[str(h["code"])]),
            default=bool((h.get("attrs") or {}).get("default")),
            legal_basis=str(h.get("legal_basis") or ""),
        )
        for h in heads
    }
    if sum(p.default for p in policies.values()) > 1:
        raise ValueError("Chỉ một chính sách thời hạn được là mặc định.")
    return policies
