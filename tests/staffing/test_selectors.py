"""How a unit stands against its quotas and job positions (R-NATIONAL, R-JOB-POSITION)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoso.people import selectors as people_selectors
from hoso.staffing import selectors
from hoso.staffing.selectors import quota_standings
from hoso.staffing.services import PositionSpec, job_position_create


def test_a_quota_on_an_ancestor_covers_the_child(orgs, make_dossier, set_quota):
    set_quota(orgs["province"], 3)
    make_dossier(unit="T01.STC.NS")
    make_dossier(unit="T01.XA", full_name="Lê Văn Cường")
    [standing] = quota_standings(orgs["budget"], 2026, "civil_servant")
    assert standing.organization.code == "T01"
    assert (standing.quota, standing.headcount, standing.vacant) == (3, 2, 1)
    assert standing.exceeded_by(1) == 0 and standing.exceeded_by(2) == 1


def test_standings_are_nearest_first_and_one_over_is_over(orgs, make_dossier, set_quota):
    set_quota(orgs["province"], 10)
    set_quota(orgs["finance"], 1)
    make_dossier(unit="T01.STC.NS")
    standings = quota_standings(orgs["budget"], 2026, "civil_servant")
    assert [(s.organization.code, s.vacant) for s in standings] == [("T01.STC", 0), ("T01", 9)]
    assert standings[0].exceeded_by() == 1 and standings[1].exceeded_by() == 0
    assert quota_standings(orgs["commune"], 2026, "civil_servant")[0].organization.code == "T01"
    assert quota_standings(orgs["office"], 2026, "civil_servant") == []  # another tree
    assert quota_standings(orgs["budget"], 2027, "civil_servant") == []  # another year
    assert quota_standings(orgs["budget"], 2026, "public_employee") == []


def test_quota_usage_counts_with_one_grouped_query(orgs, make_dossier, set_quota):
    for unit in ("province", "finance", "budget", "commune"):
        set_quota(orgs[unit], 5)
    make_dossier(unit="T01.STC")
    make_dossier(unit="T01.STC.NS", full_name="Trần Văn Bình")
    make_dossier(unit="T01.XA", full_name="Lê Văn Cường")
    with CaptureQueriesContext(connection) as queries:
        usage = {u.organization.code: u.counted for u in people_selectors.quota_usage(year=2026)}
    assert usage == {"T01": 3, "T01.STC": 2, "T01.STC.NS": 1, "T01.XA": 1}
    assert len(queries) == 2  # the quotas, the grouped count: not one per quota


def test_the_standing_shows_quota_people_and_positions_per_unit(orgs, make_dossier, set_quota):
    set_quota(orgs["finance"], 4)
    position = job_position_create(
        acting_user=None,
        organization=orgs["budget"],
        code="VT01",
        spec=PositionSpec(
            name="Chuyên viên ngân sách", staff_category="civil_servant", headcount=3
        ),
        valid_from=date(2025, 7, 1),
    )
    make_dossier(unit="T01.STC")
    make_dossier(
        unit="T01.STC.NS",
        full_name="Trần Văn Bình",
        positions=[
            {
                "organization": "T01.STC.NS",
                "position_code": "",
                "is_main": True,
                "from_date": "2020-01-01",
                "job_position": position.code,
            }
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.standing(root=orgs["finance"], year=2026, on=date(2026, 6, 1))
    assert len(queries) <= 6  # whatever the tree's size
    by_unit = {(r.organization.code, r.staff_category): r for r in rows}
    finance = by_unit[("T01.STC", "civil_servant")]
    assert (finance.quota, finance.headcount, finance.vacant, finance.over) == (4, 2, 2, False)
    assert (finance.positions, finance.filled, finance.positions_open) == (3, 1, 2)
    budget = by_unit[("T01.STC.NS", "civil_servant")]
    assert (budget.quota, budget.vacant, budget.headcount, budget.filled) == (None, None, 1, 1)
    assert finance.percent == 50.0 and budget.percent is None


def test_a_position_not_in_force_is_not_counted(orgs, set_quota):
    job_position_create(
        acting_user=None,
        organization=orgs["finance"],
        code="VT09",
        spec=PositionSpec(name="Vị trí cũ", staff_category="civil_servant", headcount=2),
        valid_from=date(2025, 7, 1),
        valid_to=date(2025, 12, 31),
    )
    rows = selectors.standing(root=orgs["finance"], year=2026, on=date(2026, 6, 1))
    assert rows == []
