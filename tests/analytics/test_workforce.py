"""Workforce counts: exact, consistent, dated, and never more than the reader may read."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.analytics import selectors
from hoso.analytics.errors import StatsError
from hoso.analytics.selectors import DIMENSIONS, Dimension, workforce
from hoso.core.dates import today
from hoso.people.models import CareerEvent, Person, WorkHistory
from hoso.people.selectors import SearchFilters, people_search

AS_OF = date(2026, 3, 1)


def _work(unit: str, name: str, start: str, end: str | None = None) -> dict:
    row = {"from_date": start, "unit_name": name, "title": "Chuyên viên", "organization": unit}
    return row | ({"to_date": end} if end else {})


@pytest.fixture
def staff(make_dossier):
    """Seven people of the province: mixed sex, ages, categories, religion, Party, units; one
    moved from the department to the commune on 1/1/2026; one protected; one outside."""
    people = {
        "an": make_dossier(full_name="Nguyễn Văn An", birth_date=date(1970, 5, 2)),
        "binh": make_dossier(
            full_name="Trần Thị Bình",
            sex="F",
            birth_date=date(1995, 8, 9),
            unit="T01.STC.NS",
            identity={"religion": "phat_giao", "ethnicity": "02"},
            work_history=[_work("T01.STC.NS", "Phòng Ngân sách", "2019-01-01")],
            party=[{"admission_date": "2026-01-15"}],
        ),
        "cuong": make_dossier(
            full_name="Lê Văn Cường",
            birth_date=date(1988, 1, 1),
            unit="T01.XA",
            employment={"staff_category": "cadre"},
            work_history=[
                _work("T01.STC", "Sở Tài chính", "2010-01-01", "2025-12-31"),
                _work("T01.XA", "Ủy ban nhân dân xã Hòa Bình", "2026-01-01"),
            ],
        ),
        "dung": make_dossier(
            full_name="Phạm Thị Dung",
            sex="F",
            birth_date=date(1964, 11, 30),
            unit="T01.XA",
            work_history=[_work("T01.XA", "Ủy ban nhân dân xã Hòa Bình", "2015-01-01")],
        ),
        "giang": make_dossier(full_name="Hoàng Văn Giang", birth_date=date(1979, 7, 7)),
        "secret": make_dossier(full_name="Đỗ Văn Mật", protection={"secret_label": "mat"}),
        "outside": make_dossier(
            full_name="Vũ Văn Ngoài",
            unit="B01.VP",
            work_history=[_work("B01.VP", "Văn phòng Bộ", "2010-01-01")],
        ),
    }
    return people


def _independent_count(root_path: str, on: date) -> int:
    """Straight from the work history: unprotected people at work in the subtree on `on`."""
    rows = WorkHistory.objects.filter(
        from_date__lte=on, organization__path__startswith=root_path
    ).exclude(to_date__lt=on)
    return Person.objects.filter(
        pk__in=rows.values("person"), secret_label="", special_category=False
    ).count()


def test_every_breakdown_sums_to_its_total(staff, personas, orgs):
    user = personas["quanly"]  # records manager of the province: sensitive ceiling
    total = workforce(user=user, unit=orgs["province"], as_of=AS_OF).total
    assert total == 5
    for dim in DIMENSIONS:
        b = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=(dim,))
        assert sum(g.count for g in b.groups) == b.total == total, dim
    crossed = workforce(
        user=user, unit=orgs["province"], as_of=AS_OF, by=(Dimension.UNIT, Dimension.SEX)
    )
    assert sum(g.count for g in crossed.groups) == total


def test_totals_equal_an_independent_count_over_the_dossier_tables(staff, personas, orgs):
    user = personas["quanly"]
    for unit in ("province", "finance", "budget", "commune"):
        for on in (date(2025, 7, 1), AS_OF, today()):
            b = workforce(user=user, unit=orgs[unit], as_of=on)
            assert b.total == _independent_count(orgs[unit].path, on), (unit, on)


def test_as_of_before_a_transfer_counts_the_old_unit(staff, personas, orgs):
    user = personas["quanly"]
    before = workforce(user=user, unit=orgs["province"], as_of=date(2025, 12, 31), by=("unit",))
    after = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("unit",))
    counts_before = {g.key["unit"]: g.count for g in before.groups}
    counts_after = {g.key["unit"]: g.count for g in after.groups}
    assert counts_before == {"T01.STC": 4, "T01.XA": 1}  # the division is part of the department
    assert counts_after == {"T01.STC": 3, "T01.XA": 2}
    cell = selectors.cell_people(
        user=user, unit=orgs["province"], as_of=date(2025, 12, 31), key={"unit": "T01.XA"}
    )
    assert list(Person.objects.filter(cell).values_list("full_name", flat=True)) == [
        "Phạm Thị Dung"
    ]


def test_groups_carry_the_dated_values(staff, personas, orgs):
    user = personas["quanly"]
    party = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("party",))
    assert {g.key["party"]: g.count for g in party.groups} == {True: 1, False: 4}
    before = workforce(user=user, unit=orgs["province"], as_of=date(2025, 12, 31), by=("party",))
    assert {g.key["party"]: g.count for g in before.groups} == {False: 5}  # admitted 15/1/2026
    ages = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("age_band",))
    assert [g.key["age_band"] for g in ages.groups] == [
        "to_30",
        "31_40",
        "41_50",
        "51_60",
        "over_60",
    ]
    assert all(g.count == 1 for g in ages.groups)
    minority = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("ethnic_minority",))
    assert {g.key["ethnic_minority"]: g.count for g in minority.groups} == {True: 1, False: 4}
    religion = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("religion",))
    assert {g.key["religion"]: g.count for g in religion.groups} == {"00": 4, "phat_giao": 1}
    pay = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("rank", "pay_group"))
    assert [(g.key, g.count) for g in pay.groups] == [({"rank": "01.003", "pay_group": "A1"}, 5)]


def test_a_reader_without_the_sensitive_ceiling_gets_no_religion_or_ethnicity(
    staff, personas, orgs
):
    leader = personas["lanhdao"]  # ceiling "personal"
    for dim in (Dimension.RELIGION, Dimension.ETHNIC_MINORITY):
        with pytest.raises(StatsError) as caught:
            workforce(user=leader, unit=orgs["province"], as_of=AS_OF, by=(dim,))
        assert caught.value.code == "dimension_not_permitted"
        assert caught.value.status == 403
        with pytest.raises(StatsError):
            selectors.cell_people(user=leader, unit=orgs["province"], as_of=AS_OF, key={dim: ""})
    allowed = selectors.permitted_dimensions(leader, orgs["province"])
    assert Dimension.RELIGION not in allowed and Dimension.SEX in allowed
    # Sex and age bands are within the leader's ceiling.
    assert workforce(user=leader, unit=orgs["province"], as_of=AS_OF, by=("sex",)).total == 5


def test_protected_dossiers_are_not_counted_on_a_duty(staff, personas, orgs):
    b = workforce(user=personas["quanly"], unit=orgs["finance"], as_of=AS_OF)
    assert b.total == 3  # an, binh, giang — not the dossier labelled «Mật»
    assert _independent_count(orgs["finance"].path, AS_OF) == 3


def test_a_drill_down_lists_as_many_people_as_its_cell(staff, personas, orgs):
    user = personas["quanly"]
    b = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("unit", "sex"))
    scope = selectors.policies.people_scope(user)
    for g in b.groups:
        cell = selectors.cell_people(user=user, unit=orgs["province"], as_of=AS_OF, key=g.key)
        listed = people_search(scope=scope & cell, filters=SearchFilters(status=""))
        assert listed.count() == g.count, g.key


def test_religion_is_counted_in_sql_by_its_blind_index(staff, personas, orgs):
    # Religion is encrypted at rest: its groups and its condition come from the blind index
    # (people/0004), the same people either way, with no row decrypted to count.
    from django.db.models import Q

    from hoso.people.models import Person

    user = personas["quanly"]
    religion = workforce(user=user, unit=orgs["province"], as_of=AS_OF, by=("religion",))
    counted = {g.key["religion"]: g.count for g in religion.groups}
    people = selectors._people(user, orgs["province"], AS_OF, ("religion",))
    for code, n in counted.items():
        assert people.filter(selectors.value_filter("religion", [code], AS_OF)).count() == n
    buddhists = Person.objects.filter(Q(religion_bidx=selectors.religion_index("phat_giao")))
    assert [p.religion for p in buddhists] == ["phat_giao"]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda u, o: selectors.parse_dimensions("sex,colour"), "unknown_dimension"),
        (lambda u, o: selectors.parse_dimensions("sex,sex"), "repeated_dimension"),
        (lambda u, o: selectors.parse_dimensions("sex,unit,rank"), "too_many_dimensions"),
        (lambda u, o: selectors.stats_unit(u, "B01"), "unit_out_of_scope"),
        (lambda u, o: selectors.stats_unit(u, "NOPE"), "unknown_unit"),
        (
            lambda u, o: workforce(user=u, unit=o["province"], as_of=date(2100, 1, 1)),
            "date_in_future",
        ),
        (
            lambda u, o: workforce(user=u, unit=o["province"], as_of=date(2025, 6, 30)),
            "date_before_history",
        ),
    ],
)
def test_bad_questions_are_refused_with_a_stable_code(personas, orgs, call, code):
    with pytest.raises(StatsError) as caught:
        call(personas["quanly"], orgs)
    assert caught.value.code == code
    assert caught.value.message  # Vietnamese words for the page


def test_an_account_without_a_reading_duty_counts_nothing(staff, personas, orgs):
    with pytest.raises(StatsError):
        selectors.stats_unit(personas["quantri"], "T01")
    assert selectors.stats_units(personas["quantri"]) == []
    assert [o.code for o in selectors.stats_units(personas["lanhdao"])] == ["T01"]


def _event(kind: str, on: str) -> dict:
    return {
        "decision_type": kind,
        "decision_number": f"1/QĐ-{kind}",
        "signed_date": on,
        "issuer": "UBND tỉnh",
        "effective_date": on,
    }


def test_movements_over_a_period_balance(staff, personas, orgs, make_dossier):
    make_dossier(
        full_name="Ngô Văn Mới",
        birth_date=date(2000, 1, 1),
        employment={"recruitment_date": "2026-02-01"},
        positions=[{"organization": "T01.STC", "is_main": True, "from_date": "2026-02-01"}],
        salary=[
            {"from_date": "2026-02-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"}
        ],
        work_history=[_work("T01.STC", "Sở Tài chính", "2026-02-01")],
        career_events=[_event("recruitment", "2026-02-01")],
    )
    make_dossier(
        full_name="Bùi Văn Hưu",
        birth_date=date(1964, 1, 1),
        employment={"status": "retired"},
        work_history=[_work("T01.STC", "Sở Tài chính", "2000-01-01", "2026-01-31")],
        career_events=[_event("retirement", "2026-02-01")],
    )
    user = personas["quanly"]
    m = selectors.movements(user=user, unit=orgs["finance"], start=date(2025, 12, 1), end=AS_OF)
    assert m.counts["recruited"] == 1
    assert m.counts["retired"] == 1
    assert m.counts["transferred_out"] == 1  # Cường moved to the commune on 1/1/2026
    assert m.counts["transferred_in"] == 0
    joined = m.counts["recruited"] + m.counts["transferred_in"]
    assert m.at_end == m.at_start + joined - (sum(m.counts.values()) - joined)
    province = selectors.movements(
        user=user, unit=orgs["province"], start=date(2025, 12, 1), end=AS_OF
    )
    assert province.counts["transferred_out"] == 0  # a move inside the province is no movement
    with pytest.raises(StatsError) as caught:
        selectors.movements(user=user, unit=orgs["province"], start=AS_OF, end=date(2025, 12, 1))
    assert caught.value.code == "dates_reversed"


def test_movements_count_deaths_and_dismissals(staff, personas, orgs, make_dossier):
    """Deaths from the `death` career event (the effect of «ghi nhận từ trần»: service ended,
    status `deceased`), and for older dossiers from the status; dismissal from the status
    with its discipline decision; a later death elsewhere is not a death of the period."""
    period = (date(2025, 12, 1), AS_OF)

    def leaver(name: str, status: str, ended: str, events: list[dict]) -> None:
        person = make_dossier(
            full_name=name,
            birth_date=date(1975, 1, 1),
            employment={"status": status},
            work_history=[_work("T01.STC", "Sở Tài chính", "2005-01-01", ended)],
            career_events=[e for e in events if e["decision_type"] != "death"],
        )
        # The `death` decision type is another branch's: its rows as its effect writes them.
        for e in events:
            if e["decision_type"] == "death":
                CareerEvent.objects.create(person=person, **{**e, "summary": "Từ trần"})

    leaver("Trịnh Văn Mất", "deceased", "2026-01-10", [_event("death", "2026-01-10")])
    leaver("Lý Thị Cũ", "deceased", "2026-02-20", [])  # an older dossier: status only
    leaver("Mai Văn Kỷ", "dismissed", "2026-02-01", [_event("discipline", "2026-02-01")])
    leaver(
        "Tô Văn Chuyển",
        "deceased",
        "2026-01-05",
        [_event("transfer", "2026-01-05"), _event("death", "2026-06-01")],
    )
    leaver("Kha Văn Sau", "deceased", "2026-01-20", [_event("death", "2026-04-01")])
    user = personas["quanly"]
    m = selectors.movements(user=user, unit=orgs["finance"], start=period[0], end=period[1])
    assert m.counts["died"] == 2  # Mất (decision), Cũ (status, no dated death)
    assert m.counts["dismissed"] == 1
    # Cường (to the commune), Chuyển (transfer decision), Sau (died after the period)
    assert m.counts["transferred_out"] == 3
    assert m.at_start - m.at_end == sum(m.counts.values())  # nobody joined
    # Before the death, nobody died; the whole province saw the same deaths.
    early = selectors.movements(
        user=user, unit=orgs["finance"], start=period[0], end=date(2026, 1, 9)
    )
    assert early.counts["died"] == 0
    province = selectors.movements(user=user, unit=orgs["province"], start=period[0], end=AS_OF)
    assert province.counts["died"] == 2 and province.counts["transferred_out"] == 2


def test_movement_kinds_are_named_in_vietnamese():
    assert selectors.MOVEMENTS["died"] == "Từ trần"
    assert selectors.MOVEMENTS["dismissed"] == "Buộc thôi việc"


def test_an_open_row_naming_no_unit_stands_for_the_current_unit(
    staff, personas, orgs, make_dossier
):
    """Seeded and imported dossiers often write the current job by name only: the person
    counts in their current unit today and on earlier days of that open row, and today's
    count (the current state) equals the dated count of yesterday."""
    from datetime import timedelta

    make_dossier(
        full_name="Đinh Văn Tên",
        unit="T01.XA",
        work_history=[
            {"from_date": "2020-01-01", "unit_name": "UBND xã", "title": "Công chức"},
        ],
    )
    user = personas["quanly"]
    for on in (AS_OF, today() - timedelta(days=1), today()):
        b = workforce(user=user, unit=orgs["province"], as_of=on, by=("unit",))
        assert {g.key["unit"]: g.count for g in b.groups} == {"T01.STC": 3, "T01.XA": 3}, on


def test_education_as_of_a_date_comes_from_the_dated_training_rows(personas, orgs, make_dossier):
    """Qualification on an earlier day: the highest level among the professional training
    rows finished by then; today: the dossier's summary (item 15). Rows without a level
    (political theory here) leave today's value, the limit the page states."""
    bachelor = {
        "kind": "professional",
        "institution": "Học viện Tài chính",
        "from_date": "2003-09-01",
        "to_date": "2007-06-30",
        "qualification": "bachelor",
    }
    master = bachelor | {
        "from_date": "2024-09-01",
        "to_date": "2026-06-30",
        "qualification": "master",
    }
    theory = {
        "kind": "political_theory",
        "institution": "Trường Chính trị tỉnh",
        "from_date": "2025-01-01",
        "to_date": "2025-12-31",
    }
    make_dossier(
        full_name="Lương Văn Học",
        qualifications={"highest_qualification": "master", "political_theory": "intermediate"},
        training=[bachelor, master, theory],
    )
    make_dossier(full_name="Đào Thị Cử", sex="F", training=[bachelor | {"to_date": "2026-05-31"}])
    user = personas["quanly"]

    def counts(dim: str, on: date) -> dict:
        b = workforce(user=user, unit=orgs["province"], as_of=on, by=(dim,))
        return {g.key[dim]: g.count for g in b.groups}

    assert counts("qualification", AS_OF) == {"bachelor": 1, "": 1}  # Cử: not yet graduated
    assert counts("qualification", date(2026, 7, 1)) == {"master": 1, "bachelor": 1}
    assert counts("qualification", today()) == {"master": 1, "bachelor": 1}
    assert counts("political_theory", AS_OF) == {"intermediate": 2}  # today's summaries
    # The drill-down of a dated cell holds the same person.
    cell = selectors.cell_people(
        user=user, unit=orgs["province"], as_of=AS_OF, key={"qualification": "bachelor"}
    )
    assert list(Person.objects.filter(cell).values_list("full_name", flat=True)) == [
        "Lương Văn Học"
    ]
