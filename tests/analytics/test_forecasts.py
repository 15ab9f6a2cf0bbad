"""Forecasts: one person's retirement and next salary step, and retirements per year."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.analytics import forecasts


def _content(**sections):
    base = {
        "identity": {"birth_date": "1961-10-05", "sex": "M"},
        "salary": [
            {"from_date": "2020-03-01", "rank_code": "01.003", "step": 4, "coefficient": "3.33"},
            {"from_date": "2017-03-01", "rank_code": "01.003", "step": 3, "coefficient": "3.00"},
        ],
        "discipline": [],
        "evaluations": [],
    }
    return base | sections


def test_the_worked_example_and_a_regular_step(db):
    out = forecasts.person_forecast(
        _content(), forecasts.retirement_rules(), forecasts.StepCatalog.load()
    )
    assert out["retirement"] == {"date": date(2022, 4, 30), "age_years": 60, "age_months": 6}
    assert out["next_salary_step"] == {
        "date": date(2023, 3, 1),
        "rank_code": "01.003",
        "step": 5,
        "coefficient": "3.66",
        "delay_months": 0,
        "reasons": [],
    }


def test_discipline_and_a_year_not_completed_delay_the_step(db):
    content = _content(
        discipline=[{"form_code": "warning", "effect_from": "2021-06-01"}],
        evaluations=[
            {"year": 2021, "grade_code": "not_completed"},
            {"year": 2022, "grade_code": "good"},
        ],
    )
    step = forecasts.person_forecast(
        content, forecasts.retirement_rules(), forecasts.StepCatalog.load()
    )["next_salary_step"]
    assert step["date"] == date(2024, 9, 1)  # 36 + 6 (cảnh cáo) + 12 (2021 not completed)
    assert step["delay_months"] == 18
    assert step["reasons"] == [
        "Cảnh cáo (hiệu lực từ 01/06/2021)",
        "Năm 2021 không hoàn thành nhiệm vụ",
    ]


def test_hidden_or_missing_fields_give_no_forecast(db):
    content = _content(identity={"birth_date": None, "sex": None}, salary=[])
    out = forecasts.person_forecast(
        content, forecasts.retirement_rules(), forecasts.StepCatalog.load()
    )
    assert out == {"retirement": None, "next_salary_step": None}


def test_no_next_step_at_the_last_step(db):
    content = _content(
        salary=[
            {"from_date": "2020-01-01", "rank_code": "01.003", "step": 9, "coefficient": "4.98"}
        ]
    )
    out = forecasts.person_forecast(
        content, forecasts.retirement_rules(), forecasts.StepCatalog.load()
    )
    assert out["next_salary_step"] is None


def test_retirements_by_year_counts_each_group_once(db):
    rows = [
        {
            "birth_date": date(1966, 2, 10),
            "sex": "M",
            "staff_category": "cadre",
            "current_position_code": "director_so",
            "n": 3,
        },
        {
            "birth_date": date(1972, 8, 9),
            "sex": "F",
            "staff_category": "civil_servant",
            "current_position_code": "",
            "n": 2,
        },
        {
            "birth_date": date(1999, 1, 1),
            "sex": "F",
            "staff_category": "civil_servant",
            "current_position_code": "",
            "n": 7,
        },  # retires after the window
    ]
    years = forecasts.retirements_by_year(rows, forecasts.retirement_rules(), 2026, 2035)
    by_year = {y.year: y for y in years}
    assert by_year[2027].total == 3 and by_year[2027].posts == {"director_so": 3}
    assert by_year[2030].total == 2 and by_year[2030].leaders == 0
    assert sum(y.total for y in years) == 5


def test_steps_due_per_month_with_delays_and_overdue(db):
    def history(since: str, step: int, **more):
        return {
            "salary": [{"from_date": since, "rank_code": "01.003", "step": step}],
            "discipline": [],
            "evaluations": [],
        } | more

    histories = [
        history("2024-03-15", 2),  # due 15/3/2027
        history(
            "2024-03-01", 3, discipline=[{"form_code": "reprimand", "effect_from": "2025-01-10"}]
        ),  # 1/9/2027
        history("2020-01-01", 4),  # overdue since 1/1/2023: counted in the first month
        history("2020-01-01", 9),  # last step: none
    ]
    rows = forecasts.steps_due(histories, forecasts.StepCatalog.load(), date(2027, 1, 20), 12)
    assert len(rows) == 12 and rows[0][0] == date(2027, 1, 1)
    by_month = {d: (n, late) for d, n, late in rows}
    assert by_month[date(2027, 1, 1)] == (1, 0)
    assert by_month[date(2027, 3, 1)] == (1, 0)
    assert by_month[date(2027, 9, 1)] == (1, 1)
    assert sum(n for _d, n, _l in rows) == 3


def test_salary_step_forecast_counts_the_units_people(staff_db, personas, orgs):
    rows = forecasts.salary_step_forecast(
        user=personas["quanly"], unit=orgs["province"], first=date(2026, 12, 1)
    )
    assert sum(n for _d, n, _l in rows) == 1  # the default dossier's step 2 is long overdue


@pytest.fixture
def staff_db(make_dossier):
    return make_dossier()


def test_quota_vacancies_grow_as_people_retire(personas, orgs, make_dossier):
    from hoso.staffing.services import quota_set

    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=2026,
        staff_category="civil_servant",
        quota=5,
        document_number="1/QĐ-UBND",
        document_date=date(2026, 1, 5),
        document_issuer="Ủy ban nhân dân tỉnh",
        legal_basis="QĐ giao biên chế 2026",
    )
    make_dossier(birth_date=date(1966, 2, 10))  # a man: retires 30/11/2027 (61y9m)
    make_dossier(birth_date=date(1990, 1, 1))
    make_dossier(birth_date=date(1990, 1, 1), employment={"staff_category": "public_employee"})
    [row] = forecasts.quota_outlook(user=personas["quanly"], unit=orgs["province"], year=2026)
    assert (row.quota, row.used, row.vacant) == (5, 2, 3)
    assert row.vacant_by_year == [(2026, 3), (2027, 4), (2028, 4), (2029, 4), (2030, 4)]


def test_quota_headcount_is_the_readers_workforce_count(personas, orgs, make_dossier):
    """The quota figures use the statistics' counting scope (R-STATS, decision 0015): a
    protected dossier counted node-wide by `quota_usage` is not in a duty holder's count, and
    each quota's «used» equals the workforce group of its unit and category."""
    from hoso.analytics import selectors
    from hoso.core.dates import today
    from hoso.people.selectors import quota_usage
    from hoso.staffing.services import quota_set

    year = today().year
    for org, category, n in (
        ("province", "civil_servant", 20),
        ("finance", "civil_servant", 5),
        ("finance", "public_employee", 2),
        ("commune", "civil_servant", 3),
    ):
        quota_set(
            acting_user=None,
            organization=orgs[org],
            year=year,
            staff_category=category,
            quota=n,
            document_number=f"1/QĐ-UBND-{year}",
            document_date=date(year, 1, 5),
            document_issuer="Ủy ban nhân dân tỉnh",
            legal_basis=f"QĐ giao biên chế {year}",
        )
    make_dossier(birth_date=date(1980, 2, 10))
    make_dossier(birth_date=date(1985, 1, 1), protection={"secret_label": "mat"})
    make_dossier(birth_date=date(1990, 1, 1), employment={"staff_category": "public_employee"})
    make_dossier(birth_date=date(1991, 1, 1), unit="T01.XA")
    reader = personas["quanly"]
    rows = forecasts.quota_outlook(user=reader, unit=orgs["province"], year=year)
    used = {(o.organization.code, o.staff_category): o.used for o in rows}
    assert used == {
        ("T01", "civil_servant"): 2,
        ("T01.STC", "civil_servant"): 1,  # not the dossier labelled «Mật»
        ("T01.STC", "public_employee"): 1,
        ("T01.XA", "civil_servant"): 1,
    }
    node_wide = {
        (u.organization.code, u.staff_category): u.counted
        for u in quota_usage(year=year, root=orgs["province"])
    }
    assert node_wide[("T01.STC", "civil_servant")] == 2  # counts everyone, protected too
    for o in rows:
        b = selectors.workforce(
            user=reader, unit=o.organization, as_of=today(), by=("staff_category",)
        )
        counted = {g.key["staff_category"]: g.count for g in b.groups}
        assert o.used == counted.get(o.staff_category, 0), o.organization.code
    # A leader (personal ceiling) counts the same unprotected people; no duty: nothing.
    leader = forecasts.quota_outlook(user=personas["lanhdao"], unit=orgs["province"], year=year)
    assert [o.used for o in leader] == [o.used for o in rows]
    outsider = forecasts.quota_outlook(user=personas["quantri"], unit=orgs["province"], year=year)
    assert [o.used for o in outsider] == [0, 0, 0, 0]


def test_grouped_step_input_forecasts_as_each_persons_whole_history(personas, orgs, make_dossier):
    """`selectors.salary_histories` reads only the current salary row and the delaying
    disciplines and grades, sharing one entry among people of the same rank, step and date:
    the forecast is the same as from each person's whole history."""
    from hoso.people.selectors import _dossier_data

    def salary(*rows):
        return [
            {"from_date": d, "rank_code": "01.003", "step": s, "coefficient": c} for d, s, c in rows
        ]

    def discipline(form, start):
        return [
            {
                "decision_date": start,
                "form_code": form,
                "reason": "Vi phạm quy chế làm việc",
                "effect_from": start,
            }
        ]

    since_2024 = salary(("2021-03-01", 1, "2.34"), ("2024-03-01", 2, "2.67"))
    people = [
        make_dossier(salary=since_2024),
        make_dossier(salary=since_2024),  # the same current row: shares an entry
        make_dossier(salary=since_2024, discipline=discipline("reprimand", "2025-01-10")),
        # a form that ends the post delays no raise: read as no delay
        make_dossier(salary=since_2024, discipline=discipline("removal_from_office", "2025-02-01")),
        make_dossier(
            salary=salary(("2023-06-01", 3, "3.00")),
            evaluations=[{"year": 2025, "grade_code": "not_completed", "score": "40"}],
        ),
        make_dossier(salary=salary(("2019-01-01", 2, "2.67"), ("2024-09-01", 3, "3.00"))),
    ]
    catalog = forecasts.StepCatalog.load()
    first = date(2026, 12, 1)
    whole = [
        {k: _dossier_data(p)[k] for k in ("salary", "discipline", "evaluations")} for p in people
    ]
    grouped = forecasts.salary_step_forecast(
        user=personas["quanly"], unit=orgs["province"], first=first, months=24
    )
    assert grouped == forecasts.steps_due(whole, catalog, first, 24)
    assert sum(n for _d, n, _l in grouped) == len(people)
    assert sum(late for _d, _n, late in grouped) == 2  # the reprimand, the year not completed
