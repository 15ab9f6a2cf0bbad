"""The working-day calendar and deadline engine, pure (DESIGN.md 9): the official schedules of
2025 and 2026 day by day, deadlines across Tết, compensatory days and worked Saturdays, and
properties of counting on any day the calendar covers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from importlib import resources

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.calendar.engine import (
    FIRST_DAY,
    LAST_DAY,
    Calendar,
    DayUnit,
    DeadlinePolicy,
    DeadlineRule,
    NoDeadlineRule,
    ObligationStatus,
    OutOfRange,
    Override,
    OverrideKind,
    deadline_for,
    document_entries,
    obligation_status,
    override_from_entry,
    policies_from_entries,
)

D = date


def shipped(name: str) -> dict:
    path = resources.files("hoso.catalog") / "data" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


OVERRIDES = tuple(override_from_entry(e) for e in document_entries(shipped("calendar_override")))
POLICIES = policies_from_entries(document_entries(shipped("deadline_policy")))
CAL = Calendar(OVERRIDES)
SEEDS = POLICIES["seeds_2022"]
ND27 = POLICIES["nd27_2026"]

# -- the official schedules (DOMAIN.md "Working days and holidays") -----------------------------

# Weekdays given off, and weekend days worked, for civil servants and public employees.
WEEKDAYS_OFF = {
    2025: {
        D(2025, 1, 1),  # Tết Dương lịch
        D(2025, 1, 27), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31),  # Tết
        D(2025, 4, 7),  # Giỗ Tổ Hùng Vương
        D(2025, 4, 30), D(2025, 5, 1),
        D(2025, 5, 2),  # swapped with Saturday 26/4
        D(2025, 9, 1), D(2025, 9, 2),  # Quốc khánh
    },
    2026: {
        D(2026, 1, 1),
        D(2026, 1, 2),  # swapped with Saturday 10/1
        D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20),  # Tết
        D(2026, 4, 27),  # Giỗ Tổ falls on Sunday 26/4: compensated on Monday
        D(2026, 4, 30), D(2026, 5, 1),
        D(2026, 8, 31),  # swapped with Saturday 22/8
        D(2026, 9, 1), D(2026, 9, 2),
        D(2026, 11, 24),  # Ngày Văn hóa Việt Nam, from 2026
    },
}  # fmt: skip
WEEKENDS_WORKED = {2025: {D(2025, 4, 26)}, 2026: {D(2026, 1, 10), D(2026, 8, 22)}}

# Each break as announced: every day in it is off, the day before and the day after are worked.
BREAKS = {
    2025: [
        ("Tết Dương lịch", D(2025, 1, 1), D(2025, 1, 1)),
        ("Tết Nguyên đán", D(2025, 1, 25), D(2025, 2, 2)),
        ("Giỗ Tổ Hùng Vương", D(2025, 4, 5), D(2025, 4, 7)),
        ("30/4 – 1/5", D(2025, 4, 30), D(2025, 5, 4)),
        ("Quốc khánh", D(2025, 8, 30), D(2025, 9, 2)),
    ],
    2026: [
        ("Tết Dương lịch", D(2026, 1, 1), D(2026, 1, 4)),
        ("Tết Nguyên đán", D(2026, 2, 14), D(2026, 2, 22)),
        ("Giỗ Tổ Hùng Vương", D(2026, 4, 25), D(2026, 4, 27)),
        ("30/4 – 1/5", D(2026, 4, 30), D(2026, 5, 3)),
        ("Quốc khánh", D(2026, 8, 29), D(2026, 9, 2)),
        ("Ngày Văn hóa Việt Nam", D(2026, 11, 24), D(2026, 11, 24)),
    ],
}


def days_of(year: int) -> list[date]:
    first = D(year, 1, 1)
    return [first + timedelta(days=i) for i in range((D(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_year_is_classified_as_officially_announced(year):
    wrong = []
    for day in days_of(year):
        official = (day.weekday() < 5 and day not in WEEKDAYS_OFF[year]) or (
            day in WEEKENDS_WORKED[year]
        )
        if CAL.is_working_day(day) != official or CAL.why(day).working != official:
            wrong.append(day)
    assert wrong == []
    assert sum(CAL.is_working_day(d) for d in days_of(year)) == {2025: 250, 2026: 249}[year]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_announced_break_is_exactly_the_days_off(year):
    for name, first, last in BREAKS[year]:
        day = first
        while day <= last:
            assert not CAL.is_working_day(day), (name, day)
            day += timedelta(days=1)
        assert CAL.is_working_day(first - timedelta(days=1)), name
        assert CAL.is_working_day(last + timedelta(days=1)), name


def test_the_tables_agree_with_the_breaks():
    for year in (2025, 2026):
        in_breaks = set()
        for _name, first, last in BREAKS[year]:
            in_breaks |= {first + timedelta(days=i) for i in range((last - first).days + 1)}
        assert {d for d in in_breaks if d.weekday() < 5} == WEEKDAYS_OFF[year]


def test_the_overrides_only_add_what_the_package_lacks_or_mislabels():
    package = holidays.country_holidays("VN", language="vi", years=[2025, 2026])
    for override in OVERRIDES:
        disagrees = package.is_working_day(override.day) != (
            override.kind is OverrideKind.WORKING_DAY
        )
        relabels = override.day in package and override.reason not in package.get_list(override.day)
        assert disagrees or relabels, override.day
    assert {o.day for o in OVERRIDES} == {D(2025, 1, 27), D(2026, 1, 2), D(2026, 1, 10)}


# -- explanations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working", "reasons"),
    [
        (D(2026, 3, 2), True, ["Thứ Hai"]),
        (D(2026, 3, 7), False, ["Thứ Bảy"]),
        (D(2026, 3, 8), False, ["Chủ nhật"]),
        (D(2026, 2, 17), False, ["Thứ Ba", "Tết Nguyên Đán"]),
        (D(2026, 2, 16), False, ["Thứ Hai", "Giao thừa Tết Nguyên Đán"]),
        (D(2026, 4, 26), False, ["Chủ nhật", "Ngày Giỗ Tổ Hùng Vương"]),
        (D(2026, 4, 27), False, ["Thứ Hai", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"]),
        (D(2026, 8, 22), True, ["Thứ Bảy", "Làm bù cho ngày 31/08/2026"]),
        (D(2025, 4, 26), True, ["Thứ Bảy", "Làm bù cho ngày 02/05/2025"]),
        (D(2025, 5, 2), False, ["Thứ Sáu", "Ngày nghỉ (thay cho ngày 26/04/2025)"]),
        (D(2026, 11, 24), False, ["Thứ Ba", "Ngày Văn hóa Việt Nam"]),
        (
            D(2026, 1, 2),
            False,
            ["Thứ Sáu", "Nghỉ Tết Dương lịch 2026 (hoán đổi, làm bù thứ Bảy 10/01/2026)"],
        ),
        (D(2026, 1, 10), True, ["Thứ Bảy", "Làm bù cho ngày 02/01/2026 (Tết Dương lịch)"]),
        (D(2025, 1, 27), False, ["Thứ Hai", "Nghỉ Tết Nguyên đán Ất Tỵ (28 tháng Chạp)"]),
    ],
)
def test_why_a_day_is_worked_or_not_in_vietnamese(day, working, reasons):
    info = CAL.why(day)
    assert (info.date, info.working, info.reasons) == (day, working, reasons)


def test_an_override_cites_its_document_and_the_package_days_cite_none():
    assert "12729/VPCP-KGVX" in CAL.why(D(2026, 1, 10)).legal_basis[0]
    assert "6150/TB-BLĐTBXH" in CAL.why(D(2025, 1, 27)).legal_basis[0]
    assert CAL.why(D(2026, 2, 17)).legal_basis == []


def test_a_worked_weekend_day_without_a_known_swap_gets_a_generic_reason():
    cal = Calendar()
    assert cal._worked_weekend_reason(D(2026, 3, 7)).startswith("Ngày làm việc bù")


# -- deadlines across the calendar ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 1, 5), 1, D(2026, 1, 6)),  # the day of the event is not counted
        (D(2026, 1, 5), 0, D(2026, 1, 5)),
        (D(2026, 3, 7), 1, D(2026, 3, 9)),  # an event on a Saturday: Monday is the first day
        (D(2025, 12, 31), 1, D(2026, 1, 5)),  # 1/1 holiday, 2/1 swapped off, weekend
        (D(2026, 1, 9), 1, D(2026, 1, 10)),  # Saturday 10/1 is worked
        (D(2026, 2, 13), 10, D(2026, 3, 6)),  # across the nine days of Tết
        (D(2026, 4, 24), 3, D(2026, 5, 4)),  # across the Monday compensating Giỗ Tổ and 30/4
        (D(2026, 8, 21), 1, D(2026, 8, 22)),  # Saturday 22/8 is worked
        (D(2026, 8, 28), 1, D(2026, 9, 3)),  # National Day break 29/8 – 2/9
        (D(2025, 4, 25), 1, D(2025, 4, 26)),  # Saturday 26/4/2025 is worked
        (D(2025, 1, 24), 1, D(2025, 2, 3)),  # Tết 2025
    ],
)
def test_add_working_days(start, n, due):
    assert CAL.add_working_days(start, n) == due
    assert CAL.working_days_between(start, due) == n


def test_span_lists_every_day_up_to_the_due_date_explained():
    span = CAL.span(D(2026, 2, 13), 10)
    counted = [d.date for d in span if d.working]
    assert len(counted) == 10 and counted[0] == D(2026, 2, 23) and counted[-1] == D(2026, 3, 6)
    assert span[-1].date == D(2026, 3, 6)
    assert [d.date for d in span if not d.working][:3] == [
        D(2026, 2, 14),
        D(2026, 2, 15),
        D(2026, 2, 16),
    ]
    assert CAL.span(D(2026, 2, 13), 0) == []


@pytest.mark.parametrize(
    ("obligation", "event", "due"),
    [
        ("dossier_update", D(2026, 2, 13), D(2026, 3, 6)),  # R-10D-CREATE across Tết
        ("decision_entry", D(2026, 4, 24), D(2026, 5, 13)),  # R-10D-DECISION across 27/4, 30/4
        ("discrepancy_fix", D(2026, 8, 21), D(2026, 8, 27)),  # R-DISCREPANCY, Saturday worked
        ("discrepancy_fix", D(2026, 1, 6), D(2026, 1, 12)),  # Saturday 10/1 counts
        ("discrepancy_fix", D(2026, 2, 14), D(2026, 2, 27)),  # an event during Tết
        ("dossier_update", D(2025, 4, 25), D(2025, 5, 13)),  # 2025: 26/4 worked, 30/4–4/5 off
    ],
)
def test_the_seeds_deadlines(obligation, event, due):
    assert SEEDS.default
    assert deadline_for(event, obligation, SEEDS, CAL) == due


@pytest.mark.parametrize(
    ("obligation", "event", "due"),
    [
        ("dossier_create", D(2026, 7, 6), D(2026, 7, 9)),  # 3 days
        ("dossier_create", D(2026, 7, 1), D(2026, 7, 6)),  # ends Saturday 4/7: next working day
        ("sync_internal", D(2026, 8, 28), D(2026, 9, 3)),  # 1 day, ends in the 2/9 break
        ("sync_internal", D(2026, 7, 7), D(2026, 7, 8)),
        ("self_declaration", D(2026, 8, 28), D(2026, 9, 7)),  # 3 working days
        ("sync_external", D(2026, 11, 23), D(2026, 11, 27)),  # 24/11 is a holiday
    ],
)
def test_the_decree_27_deadlines(obligation, event, due):
    assert deadline_for(event, obligation, ND27, CAL) == due


def test_days_and_working_days_are_explicit_in_the_policy_data():
    units = {r.code: r.unit for p in POLICIES.values() for r in p.rules}
    assert units == {
        "seeds_2022.dossier_update": DayUnit.WORKING_DAYS,
        "seeds_2022.decision_entry": DayUnit.WORKING_DAYS,
        "seeds_2022.discrepancy_fix": DayUnit.WORKING_DAYS,
        "nd27_2026.dossier_create": DayUnit.DAYS,
        "nd27_2026.self_declaration": DayUnit.WORKING_DAYS,
        "nd27_2026.sync_internal": DayUnit.DAYS,
        "nd27_2026.sync_external": DayUnit.WORKING_DAYS,
    }
    assert [p.code for p in POLICIES.values() if p.default] == ["seeds_2022"]
    assert all(r.legal_basis for p in POLICIES.values() for r in p.rules)
    assert all(r.valid_from == D(2026, 7, 1) for r in ND27.rules)


def test_a_policy_without_the_obligation_or_not_yet_in_force_sets_no_deadline():
    with pytest.raises(NoDeadlineRule, match="nd27_2026"):
        deadline_for(D(2026, 6, 30), "dossier_create", ND27, CAL)  # the decree starts 1/7/2026
    with pytest.raises(NoDeadlineRule):
        deadline_for(D(2026, 7, 6), "dossier_create", SEEDS, CAL)


def test_a_days_rule_without_roll_forward_keeps_a_day_off():
    rule = DeadlineRule("x", 3, DayUnit.DAYS, None, None, "Thử", roll_forward=False)
    policy = DeadlinePolicy("p", "P", (rule,))
    assert deadline_for(D(2026, 7, 1), "x", policy, CAL) == D(2026, 7, 4)


def test_a_rule_changed_by_a_new_decree_applies_by_the_event_date():
    old = DeadlineRule("x", 10, "working_days", None, D(2026, 6, 30), "Cũ")
    new = DeadlineRule("x", 3, "working_days", D(2026, 7, 1), None, "Mới")
    policy = DeadlinePolicy("p", "P", (old, new))
    assert deadline_for(D(2026, 6, 30), "x", policy, CAL) == D(2026, 7, 14)
    assert deadline_for(D(2026, 7, 1), "x", policy, CAL) == D(2026, 7, 6)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"code": "r", "parent": "nope", "attrs": {"kind": "rule"}}], "không có chính sách"),
        ([{"code": "r", "attrs": {}}], "policy hoặc rule"),
        (
            [
                {"code": "p", "attrs": {"kind": "policy"}},
                {"code": "r", "parent": "p", "legal_basis": "L", "attrs": {"kind": "rule"}},
            ],
            "unit",
        ),
        (
            [
                {"code": "p", "attrs": {"kind": "policy"}},
                {
                    "code": "r",
                    "parent": "p",
                    "legal_basis": "L",
                    "attrs": {"kind": "rule", "obligation": "o", "count": 3, "unit": "days"},
                },
            ],
            "roll_forward",
        ),
        (
            [
                {"code": "p", "attrs": {"kind": "policy"}},
                {
                    "code": "r",
                    "parent": "p",
                    "legal_basis": "L",
                    "attrs": {"kind": "rule", "obligation": "o", "count": "3", "unit": "days",
                              "roll_forward": True},
                },
            ],
            "số nguyên",
        ),
        (
            [
                {"code": "p", "attrs": {"kind": "policy"}},
                {
                    "code": "r",
                    "parent": "p",
                    "attrs": {"kind": "rule", "obligation": "o", "count": 3,
                              "unit": "working_days"},
                },
            ],
            "căn cứ pháp lý",
        ),
        (
            [
                {"code": "p", "attrs": {"kind": "policy", "default": True}},
                {"code": "q", "attrs": {"kind": "policy", "default": True}},
            ],
            "mặc định",
        ),
    ],
)  # fmt: skip
def test_bad_policy_data_is_refused_with_a_reason(rows, message):
    with pytest.raises(ValueError, match=message):
        policies_from_entries(rows)


def test_overlapping_rules_for_one_obligation_are_refused():
    a = DeadlineRule("x", 10, "working_days", None, D(2026, 7, 1), "A")
    b = DeadlineRule("x", 3, "working_days", D(2026, 7, 1), None, "B")
    with pytest.raises(ValueError, match="chồng nhau"):
        DeadlinePolicy("p", "P", (a, b))


# -- obligation status -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done_on", "today", "soon", "status"),
    [
        (D(2026, 3, 6), None, D(2026, 3, 1), 2, ObligationStatus.ON_TIME),
        (D(2026, 3, 6), None, D(2026, 3, 4), 2, ObligationStatus.DUE_SOON),
        (D(2026, 3, 6), None, D(2026, 3, 6), 0, ObligationStatus.DUE_SOON),  # the due day
        (D(2026, 3, 6), None, D(2026, 3, 7), 2, ObligationStatus.OVERDUE),
        (D(2026, 3, 6), D(2026, 3, 6), D(2026, 3, 20), 2, ObligationStatus.DONE),
        (D(2026, 3, 6), D(2026, 3, 9), D(2026, 3, 20), 2, ObligationStatus.DONE_LATE),
        (D(2026, 3, 6), D(2026, 3, 2), D(2026, 3, 1), 2, ObligationStatus.DONE),
    ],
)
def test_obligation_status(due, done_on, today, soon, status):
    assert obligation_status(due, done_on, today, soon) is status


def test_due_soon_counts_working_days_with_a_calendar():
    # Friday 13/2/2026 to Monday 23/2/2026: nine days, one working day (Tết in between).
    due, today = D(2026, 2, 23), D(2026, 2, 13)
    assert obligation_status(due, None, today, 1) is ObligationStatus.ON_TIME
    assert obligation_status(due, None, today, 1, calendar=CAL) is ObligationStatus.DUE_SOON
    with pytest.raises(ValueError):
        obligation_status(due, None, today, -1)


# -- refusals ----------------------------------------------------------------------------------


def test_the_calendar_refuses_what_it_cannot_answer():
    with pytest.raises(OutOfRange, match="ngoài phạm vi"):
        CAL.is_working_day(FIRST_DAY - timedelta(days=1))
    with pytest.raises(OutOfRange):
        CAL.why(LAST_DAY + timedelta(days=1))
    with pytest.raises(OutOfRange):
        CAL.add_working_days(LAST_DAY - timedelta(days=3), 10)
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        CAL.working_days_between(D(2026, 1, 5), D(2026, 1, 4))


def test_bad_overrides_are_refused():
    day = D(2026, 3, 2)
    with pytest.raises(ValueError, match="hai điều chỉnh"):
        Calendar([Override(day, "day_off", "A", "L"), Override(day, "working_day", "B", "L")])
    with pytest.raises(ValueError, match="lý do"):
        Override(day, "day_off", " ", "L")
    with pytest.raises(ValueError, match="căn cứ"):
        Override(day, "day_off", "A", "")
    with pytest.raises(ValueError):
        Override(day, "holiday", "A", "L")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        override_from_entry({"code": "2/3/2026", "name": "A", "attrs": {"kind": "day_off"}})
    with pytest.raises(ValueError, match="kind"):
        override_from_entry({"code": "2026-03-02", "name": "A", "legal_basis": "L"})


def test_the_engine_imports_no_django():
    code = (
        "import sys, hoso.calendar.engine;"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django'];"
        "sys.exit(bool(bad))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# -- exhaustive and property tests -------------------------------------------------------------


def test_without_overrides_the_engine_is_the_package_on_every_day_it_covers():
    package = holidays.country_holidays("VN", language="vi")
    engine = Calendar()
    day = FIRST_DAY
    while day <= LAST_DAY:
        assert engine.is_working_day(day) == package.is_working_day(day), day
        day += timedelta(days=1)


covered = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY - timedelta(days=800))
counts = st.integers(min_value=1, max_value=400)


@given(start=covered, n=counts)
def test_the_deadline_is_a_working_day_strictly_after_the_event(start, n):
    due = CAL.add_working_days(start, n)
    assert CAL.is_working_day(due)
    assert due > start
    assert CAL.working_days_between(start, due) == n
    # nothing worked between the (n-1)-th working day and the due date
    previous = CAL.add_working_days(start, n - 1)
    assert CAL.working_days_between(previous, due - timedelta(days=1)) == 0


@given(start=covered, n=st.integers(min_value=0, max_value=400))
def test_more_working_days_never_come_earlier(start, n):
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)
    assert CAL.add_working_days(start, n) <= CAL.add_working_days(start + timedelta(days=1), n)


@given(a=covered, gap1=st.integers(0, 400), gap2=st.integers(0, 400))
def test_counting_is_additive(a, gap1, gap2):
    b, c = a + timedelta(days=gap1), a + timedelta(days=gap1 + gap2)
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == (
        CAL.working_days_between(a, c)
    )
    assert CAL.working_days_between(a, c) <= gap1 + gap2


@settings(max_examples=50)
@given(day=covered, kind=st.sampled_from(list(OverrideKind)), probe=st.integers(-40, 40))
def test_an_override_decides_its_day_and_no_other(day, kind, probe):
    base = Calendar()
    changed = Calendar([Override(day, kind, "Theo văn bản thử", "Văn bản thử")])
    assert changed.is_working_day(day) == (kind is OverrideKind.WORKING_DAY)
    assert changed.why(day).reasons[-1] == "Theo văn bản thử"
    other = day + timedelta(days=probe)
    if other != day:
        assert changed.is_working_day(other) == base.is_working_day(other)


@given(event=st.dates(min_value=D(2026, 7, 1), max_value=D(2090, 12, 31)),
       obligation=st.sampled_from(ND27.obligations))  # fmt: skip
def test_every_decree_deadline_ends_on_a_working_day_after_the_event(event, obligation):
    due = deadline_for(event, obligation, ND27, CAL)
    assert due > event
    assert CAL.is_working_day(due)
