"""The next regular salary step: step periods and delays that add up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hoso.rules.salary_steps import Delay, add_months, next_step

A1 = [2.34, 2.67, 3.0, 3.33, 3.66, 3.99, 4.32, 4.65, 4.98]  # chuyên viên 01.003


def test_chuyen_vien_moves_up_after_36_months():
    n = next_step(rank_code="01.003", step=3, since=date(2023, 1, 1), steps=A1, step_months=36)
    assert n is not None
    assert (n.date, n.step, n.coefficient, n.delay_months) == (
        date(2026, 1, 1),
        4,
        Decimal("3.33"),
        0,
    )


def test_reprimand_and_a_year_not_completed_add_up():
    delays = [
        Delay(date(2024, 5, 1), 6, "Khiển trách từ 01/05/2024"),
        Delay(date(2024, 12, 31), 12, "Năm 2024 không hoàn thành nhiệm vụ"),
    ]
    n = next_step(
        rank_code="01.003",
        step=3,
        since=date(2023, 1, 1),
        steps=A1,
        step_months=36,
        delays=delays,
    )
    assert n is not None
    assert n.date == date(2027, 7, 1)
    assert n.delay_months == 18
    assert n.reasons == ("Khiển trách từ 01/05/2024", "Năm 2024 không hoàn thành nhiệm vụ")


def test_a_discipline_inside_the_lengthened_period_delays_again():
    delays = [
        Delay(date(2025, 12, 1), 6, "Cảnh cáo"),
        Delay(date(2026, 3, 1), 12, "Cách chức"),  # after 1/1/2026, before the delayed date
    ]
    n = next_step(
        rank_code="01.003",
        step=3,
        since=date(2023, 1, 1),
        steps=A1,
        step_months=36,
        delays=delays,
    )
    assert n is not None and n.date == date(2027, 7, 1) and n.delay_months == 18


def test_discipline_before_the_step_does_not_count():
    delays = [Delay(date(2022, 12, 31), 6, "Khiển trách")]
    n = next_step(
        rank_code="01.003",
        step=3,
        since=date(2023, 1, 1),
        steps=A1,
        step_months=36,
        delays=delays,
    )
    assert n is not None and n.date == date(2026, 1, 1) and n.reasons == ()


def test_no_next_step_at_the_last_step():
    assert (
        next_step(rank_code="01.003", step=9, since=date(2020, 1, 1), steps=A1, step_months=36)
        is None
    )


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=8),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=4000), st.sampled_from([6, 12])),
        max_size=5,
    ),
)
def test_delay_is_the_sum_of_the_counted_delays(since, step, raw):
    from datetime import timedelta

    delays = [Delay(since + timedelta(days=d), m, f"d{i}") for i, (d, m) in enumerate(raw)]
    n = next_step(rank_code="x", step=step, since=since, steps=A1, step_months=36, delays=delays)
    assert n is not None
    assert n.date == add_months(since, 36 + n.delay_months)
    counted = [d for d in delays if since < d.on <= n.date]
    assert n.delay_months == sum(d.months for d in counted)
    assert n.date >= add_months(since, 36)
