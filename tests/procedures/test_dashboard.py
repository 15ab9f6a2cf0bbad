"""The real-time view of the work (R-EVAL-REALTIME): scope, overdue steps on the working-day
calendar, throughput, each officer's backlog and lateness, in a fixed number of queries."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone
from tests.procedures.common import act

from hoso.access.models import Role
from hoso.access.services import role_assign, user_create
from hoso.calendar.selectors import calendar
from hoso.procedures.selectors import WorkScope, work_scope, work_view
from hoso.procedures.services import procedure_start

POST = {"decision": {"position_code": "deputy_director_so"}}
# Friday 13/02/2026, the last working day before Tết Bính Ngọ (the calendar catalog's
# holidays, Monday 16/02 to Friday 20/02, then the weekend): the proposal's 5 working days
# run Monday 23/02 … Friday 27/02.
BEFORE_TET = date(2026, 2, 13)
LAST_DAY = date(2026, 2, 27)
NEXT_WORKING_DAY = date(2026, 3, 2)


def at(day: date) -> datetime:
    """Nine in the morning in Vietnam (02:00 UTC) of `day`."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def start(user, person, day=None):
    return procedure_start(
        acting_user=user,
        procedure_type="appointment",
        personal_id=person.personal_id,
        params=POST,
        today=day,
    )


def leader_of(unit, username="lanhdao_stc"):
    account = user_create(
        acting_user=None, username=username, password="x-Khong-dung-1", full_name="Lãnh đạo Sở"
    )
    role_assign(
        acting_user=None,
        user=account,
        role=Role.LEADER,
        organization=unit,
        valid_from=date(2025, 7, 1),
    )
    return account


@pytest.fixture
def before_tet(monkeypatch, personas, make_dossier):
    """One appointment proposed on the clock of Friday 13/02/2026, waiting at its proposal."""
    monkeypatch.setattr(timezone, "now", lambda: at(BEFORE_TET))
    return start(personas["nhaplieu"], make_dossier(unit="T01.STC"), BEFORE_TET)


def test_the_deadline_is_counted_over_tet_on_the_calendar(before_tet):
    assert before_tet.current_due == LAST_DAY
    assert calendar().add_working_days(BEFORE_TET, 5) == LAST_DAY
    assert calendar().next_working_day(date(2026, 2, 28)) == NEXT_WORKING_DAY


def test_a_step_is_not_overdue_on_the_last_working_day_of_its_deadline(before_tet):
    view = work_view(WorkScope(everything=True), today=LAST_DAY)
    assert view.late == []
    [row] = view.steps
    assert (row.running, row.overdue, row.days) == (1, 0, [5])


def test_the_same_step_is_overdue_on_the_next_working_day(before_tet):
    view = work_view(WorkScope(everything=True), today=NEXT_WORKING_DAY)
    [late] = view.late
    assert late.procedure_id == before_tet.pk
    assert (late.due, late.days_late, late.days_in_step) == (LAST_DAY, 1, 6)
    assert late.step_name and late.duty == Role.CLERK
    [officer] = [o for o in view.officers if o.username == "nhaplieu"]
    assert (officer.waiting, officer.waiting_overdue) == (1, 1)


def test_a_leader_sees_their_subtree_an_auditor_every_unit_nobody_else(personas, orgs):
    assert work_scope(personas["thanhtra"]) == WorkScope(everything=True)
    assert work_scope(personas["lanhdao"]) == WorkScope(False, (orgs["province"].path,))
    for name in ("nhaplieu", "quanly", "quantri", "ngoai"):
        assert work_scope(personas[name]) is None, name
    units = work_scope(leader_of(orgs["finance"])).units()
    assert set(units) == {"T01.STC", "T01.STC.NS"}


def test_throughput_lateness_and_backlog_by_scope(personas, orgs, make_dossier):
    # Two in the finance department, one at the ministry's office (another agency).
    first = start(personas["nhaplieu"], make_dossier(unit="T01.STC"))
    start(personas["nhaplieu"], make_dossier(unit="T01.STC.NS"))
    start(personas["ngoai"], make_dossier(unit="B01.VP"))
    act(personas["nhaplieu"], first, "appointment.proposal", key="p")  # with its documents
    everything = work_view(WorkScope(everything=True))
    assert everything.running == 3
    [appointment] = everything.types
    assert (appointment.running, appointment.done, appointment.rejected) == (3, 0, 0)
    officers = {o.username: o for o in everything.officers}
    assert (officers["nhaplieu"].acted, officers["nhaplieu"].waiting) == (1, 1)
    assert officers["ngoai"].waiting == 1
    assert officers["quanly"].waiting == 1  # the planning check is the records manager's
    mine = work_view(work_scope(leader_of(orgs["finance"])))
    assert mine.running == 2 and "ngoai" not in {o.username for o in mine.officers}
    assert {u.code for u in mine.units} == {"T01.STC", "T01.STC.NS"}
    [stc] = [u for u in mine.units if u.code == "T01.STC"]
    assert (stc.steps, stc.on_time_percent) == (1, 100.0)


def test_the_view_costs_the_same_queries_for_many_procedures(
    personas, make_dossier, django_assert_max_num_queries
):
    for _ in range(2):
        start(personas["nhaplieu"], make_dossier(unit="T01.STC"))
    with django_assert_max_num_queries(8) as few:
        work_view(WorkScope(everything=True))
    for _ in range(6):
        start(personas["nhaplieu"], make_dossier(unit="T01.STC.NS"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        work_view(WorkScope(everything=True))
