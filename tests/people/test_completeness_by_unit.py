"""Completeness by unit (R-COMPLETE): grouped on the people's table alone (issue 13), the same
numbers as the former query joined to the organizations, for a scope and a subtree."""

from datetime import date

import pytest
from django.db.models import Avg, Count, Q

from hoso.access import policies
from hoso.people.models import Person, StaffStatus
from hoso.people.selectors import completeness_by_unit

EVERYONE = ~Q(pk__in=[])


def former(scope, root=None):
    """The query before issue 13, verbatim but for the path filter's field."""
    qs = Person.objects.filter(scope, status=StaffStatus.WORKING)
    if root is not None:
        qs = qs.filter(current_unit__path__startswith=root.path)
    rows = (
        qs.values("current_unit__code", "current_unit__name", "current_unit__path")
        .annotate(
            people=Count("id"),
            score=Avg("completeness"),
            incomplete=Count("id", filter=Q(missing_required__gt=0)),
        )
        .order_by("current_unit__path")
    )
    return [dict(row) for row in rows]


def keyed(rows):
    return {r["current_unit__code"]: r for r in rows}


@pytest.fixture
def staff(make_dossier):
    made = [
        make_dossier(unit="T01.STC"),
        make_dossier(unit="T01.STC", full_name="Trần Thị Bình", sex="F"),
        make_dossier(unit="T01.STC.NS", full_name="Lê Văn Cường", birth_date=date(1979, 5, 2)),
        make_dossier(unit="T01.XA", full_name="Phạm Thị Dung", sex="F"),
        make_dossier(unit="B01.VP", full_name="Hoàng Văn Em"),
    ]
    # Different stored completeness, some incomplete: the averages must still agree.
    Person.objects.filter(pk=made[0].pk).update(completeness=0.5, missing_required=3)
    Person.objects.filter(pk=made[3].pk).update(completeness=0.8125, missing_required=1)
    Person.objects.filter(pk=made[4].pk).update(status=StaffStatus.RETIRED)
    return made


def test_the_same_numbers_as_the_former_query(staff, orgs, personas):
    for scope, root in [
        (EVERYONE, None),
        (EVERYONE, orgs["finance"]),
        (policies.people_scope(personas["quanly"]), None),
        (policies.people_scope(personas["nhaplieu"]), None),
        (Q(pk__in=[]), None),
    ]:
        now, before = (
            keyed(completeness_by_unit(scope=scope, root=root)),
            keyed(former(scope, root)),
        )
        assert now.keys() == before.keys()
        for code, row in now.items():
            assert row.keys() == before[code].keys()
            for key in ("current_unit__name", "current_unit__path", "people", "incomplete"):
                assert row[key] == before[code][key]
            assert row["score"] == pytest.approx(before[code]["score"])


def test_rows_come_ordered_by_path_with_the_retired_left_out(staff, orgs):
    rows = completeness_by_unit(scope=EVERYONE)
    paths = [r["current_unit__path"] for r in rows]
    assert paths == sorted(paths)
    by_code = {r["current_unit__code"]: (r["people"], r["incomplete"]) for r in rows}
    assert by_code == {"T01.STC": (2, 1), "T01.STC.NS": (1, 0), "T01.XA": (1, 1)}
