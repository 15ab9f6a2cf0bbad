"""Deadline obligations: due dates counted in working days across Tết and the 2026 New Year
swap, statuses over time, listing by unit and officer (R-10D-CREATE, R-10D-DECISION,
R-DISCREPANCY, R-EVAL-REALTIME)."""

from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from conftest import dossier
from hoso.access.services import token_create
from hoso.calendar.engine import ObligationStatus
from hoso.calendar.selectors import CalendarDataInvalid
from hoso.changes.models import Obligation, ObligationKind
from hoso.changes.selectors import obligations
from hoso.changes.services import obligations as obligation_services
from hoso.changes.services.changesets import changeset_approve, changeset_propose, changeset_reject
from hoso.changes.services.decisions import decision_register
from hoso.core.dates import today as local_today
from hoso.core.errors import ValidationFailed

ENTER = ObligationKind.ENTER_DECISION


def duty(start, kind=ENTER, unit=None, officer=None, personal_id="001085000001", **kw):
    return obligation_services.obligation_open(
        kind=kind,
        personal_id=personal_id,
        start_date=start,
        source=kw.pop("source", "decision:1"),
        unit=unit,
        officer=officer,
        **kw,
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of the node's local day."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


# --- Counting ------------------------------------------------------------------------------------


def test_a_decision_received_on_the_friday_before_tet_is_due_after_the_break(
    personas, make_dossier
):
    person = make_dossier()
    decision = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type="reward",
        number="120/QĐ-UBND",
        signed_date=date(2026, 2, 12),
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=date(2026, 2, 13),  # Friday; Tết is Saturday 14/2 – Sunday 22/2
        effective_date=date(2026, 2, 12),
        personal_id=person.personal_id,
        parameters={"form_code": "certificate_of_merit"},
    )
    (found,) = Obligation.objects.filter(source=f"decision:{decision.pk}")
    # 10 working days not counting 13/2: 23–27/2 and 2–6/3.
    assert (found.kind, found.start_date, found.due_date) == (
        ENTER,
        date(2026, 2, 13),
        date(2026, 3, 6),
    )
    assert (found.policy_code, found.rule_code) == ("seeds_2022", "seeds_2022.decision_entry")
    assert "10 ngày làm việc" in found.legal_basis
    assert (found.unit, found.officer, found.changeset_id) == (
        person.current_unit,
        personas["nhaplieu"],
        decision.changeset_id,
    )


def test_the_2026_new_year_swap_moves_deadlines(db):
    # Friday 2/1/2026 is off (swapped), Saturday 10/1/2026 is worked (VPCP 12729/VPCP-KGVX).
    assert duty(date(2025, 12, 31)).due_date == date(2026, 1, 15)
    # From Friday 9/1: Saturday 10/1 counts as the first working day.
    assert duty(date(2026, 1, 9)).due_date == date(2026, 1, 22)
    # The event day itself is never counted, even when worked.
    assert duty(date(2026, 1, 10)).due_date == date(2026, 1, 23)


def test_each_kind_follows_its_own_rule(db):
    friday = date(2026, 11, 20)  # Tuesday 24/11, Vietnam Culture Day, is off
    paper = duty(friday, kind=ObligationKind.CREATE_FROM_PAPER, source="changeset:1")
    fix = duty(friday, kind=ObligationKind.FIX_DISCREPANCY, source="discrepancy:1")
    assert (paper.due_date, paper.rule_code) == (date(2026, 12, 7), "seeds_2022.dossier_update")
    assert (fix.due_date, fix.rule_code) == (date(2026, 11, 30), "seeds_2022.discrepancy_fix")


def test_a_policy_without_the_rule_falls_back_to_the_default_one(db, settings):
    settings.HOSO_DEADLINE_POLICY = "nd27_2026"  # sets no deadline for entering decisions
    found = duty(date(2026, 8, 3))
    assert (found.policy_code, found.rule_code) == ("seeds_2022", "seeds_2022.decision_entry")
    settings.HOSO_DEADLINE_POLICY = "no_such_policy"
    with pytest.raises(CalendarDataInvalid):
        duty(date(2026, 8, 3))


def test_bad_kinds_and_sources_are_refused(db):
    with pytest.raises(ValidationFailed, match="Loại việc"):
        duty(date(2026, 3, 2), kind="sweep_floor")
    with pytest.raises(ValidationFailed, match="Căn cứ phát sinh"):
        duty(date(2026, 3, 2), source="42")
    with pytest.raises(ValidationFailed, match="phạm vi"):
        duty(date(1999, 12, 31))
    assert not Obligation.objects.exists()


# --- Status over time ----------------------------------------------------------------------------


def test_status_over_time_around_tet(db):
    found = duty(date(2026, 2, 13))  # due 6/3/2026, due soon = 3 working days left or fewer
    expected = {
        date(2026, 2, 13): ObligationStatus.ON_TIME,
        date(2026, 2, 20): ObligationStatus.ON_TIME,  # during Tết: 10 working days left
        date(2026, 2, 28): ObligationStatus.ON_TIME,  # 2–6/3 left: 5
        date(2026, 3, 2): ObligationStatus.ON_TIME,  # 4 left
        date(2026, 3, 3): ObligationStatus.DUE_SOON,  # 3 left
        date(2026, 3, 6): ObligationStatus.DUE_SOON,  # the due day
        date(2026, 3, 7): ObligationStatus.OVERDUE,
    }
    assert {day: obligations.status_of(found, today=day) for day in expected} == expected
    Obligation.objects.filter(pk=found.pk).update(done_at=at(date(2026, 3, 6), 23, 30))
    found.refresh_from_db()
    assert obligations.status_of(found, today=date(2026, 4, 1)) == ObligationStatus.DONE
    # Half past midnight on Saturday, node time (still Friday in UTC): late.
    Obligation.objects.filter(pk=found.pk).update(done_at=at(date(2026, 3, 7), 0, 30))
    found.refresh_from_db()
    assert obligations.done_on(found) == date(2026, 3, 7)
    assert obligations.status_of(found, today=date(2026, 4, 1)) == ObligationStatus.DONE_LATE


@pytest.mark.parametrize("soon", [0, 3])
def test_the_sql_filters_agree_with_the_calendar_engine_every_day(db, settings, soon):
    settings.HOSO_OBLIGATION_DUE_SOON_DAYS = soon
    rows = [duty(date(2026, 2, 13)) for _ in range(3)] + [duty(date(2026, 2, 27))]
    Obligation.objects.filter(pk=rows[1].pk).update(done_at=at(date(2026, 3, 6), 23, 59))
    Obligation.objects.filter(pk=rows[2].pk).update(done_at=at(date(2026, 3, 7), 0, 1))
    fresh = list(Obligation.objects.select_related("changeset").order_by("pk"))
    everyone = Q(pk__in=[o.pk for o in fresh])
    day = date(2026, 2, 12)
    while day <= date(2026, 3, 20):
        for status in ObligationStatus:
            listed = {
                o.pk
                for o in obligations.obligations_list(
                    scope=everyone, status=status.value, today=day
                )
            }
            computed = {o.pk for o in fresh if obligations.status_of(o, today=day) == status}
            assert listed == computed, (day, status)
        day += timedelta(days=1)


# --- Opening from change sets, and closing -------------------------------------------------------


def test_a_paper_proposal_creating_a_dossier_opens_the_ten_day_duty(personas, orgs):
    data = dossier(full_name="Trần Thị Lan", sex="F", unit="T01.STC.NS")
    pid = data["identity"]["personal_id"]
    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=pid,
        operations=[{"op": "create", "data": data}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 20),
    )
    found = obligation_services.obligation_open_for_changeset(acting_user=None, changeset=proposal)
    assert (found.kind, found.start_date, found.due_date) == (
        ObligationKind.CREATE_FROM_PAPER,
        date(2026, 11, 20),
        date(2026, 12, 7),
    )
    assert (found.unit, found.officer, found.source) == (
        orgs["budget"],
        personas["nhaplieu"],
        f"changeset:{proposal.pk}",
    )
    # Rejected, then proposed again: the same duty, still from the confirmation day.
    changeset_reject(acting_user=personas["quanly"], changeset_id=proposal.pk, reason="Thiếu ảnh")
    again = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=pid,
        operations=[{"op": "create", "data": data}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 20),
    )
    assert obligation_services.obligation_open_for_changeset(
        acting_user=None, changeset=again
    ).pk == (found.pk)
    assert Obligation.objects.get().changeset == again
    changeset_approve(acting_user=personas["quanly"], changeset_id=again.pk)
    found.refresh_from_db()
    # Approved today (the node's local day, UTC+7): on time up to the due day, late after it.
    on_time = local_today() <= found.due_date
    expected = ObligationStatus.DONE if on_time else ObligationStatus.DONE_LATE
    assert obligations.status_of(found) == expected


def test_other_proposals_open_no_creation_duty(personas, make_dossier):
    person = make_dossier()
    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[{"op": "set", "section": "identity", "values": {"phone": "0901234567"}}],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 20),
    )
    assert (
        obligation_services.obligation_open_for_changeset(acting_user=None, changeset=proposal)
        is None
    )


def test_marking_done_on_approval_closes_the_duty_and_the_discrepancy_it_answers(
    personas, make_dossier
):
    person = make_dossier()
    discrepancy = apps.get_model("changes", "Discrepancy").objects.create(
        personal_id=person.personal_id,
        sections=["training"],
        paper_says="Có thêm khóa bồi dưỡng 2024",
        status="resolved",  # verified: no longer freezes the correction
        verified_on=date(2026, 11, 20),
        evidence="Trang 12",
        reported_by=personas["nhaplieu"],
        reported_at=timezone.now(),
    )
    unrelated = apps.get_model("changes", "Discrepancy").objects.create(
        personal_id=person.personal_id,
        sections=["family"],
        paper_says="Tên mẹ khác",
        evidence="Trang 3",
        reported_by=personas["nhaplieu"],
        reported_at=timezone.now(),
    )
    fix = duty(
        date(2026, 11, 20),
        kind=ObligationKind.FIX_DISCREPANCY,
        personal_id=person.personal_id,
        source=f"discrepancy:{discrepancy.pk}",
    )
    other = duty(
        date(2026, 11, 20),
        kind=ObligationKind.FIX_DISCREPANCY,
        personal_id=person.personal_id,
        source=f"discrepancy:{unrelated.pk}",
    )
    proposal = changeset_propose(
        acting_user=personas["nhaplieu"],
        personal_id=person.personal_id,
        operations=[
            {
                "op": "add",
                "section": "training",
                "row": {
                    "kind": "fostering",
                    "institution": "Học viện Hành chính Quốc gia",
                    "from_date": "2024-03-01",
                    "to_date": "2024-05-30",
                },
            }
        ],
        source_kind="paper",
        paper_confirmed_on=date(2026, 11, 20),
    )
    assert (
        obligation_services.obligations_mark_done_for_changeset(changeset=proposal) == 0
    )  # not applied yet
    changeset_approve(acting_user=personas["quanly"], changeset_id=proposal.pk)
    proposal.refresh_from_db()  # approval marked the duty done (changes.services)
    assert (
        obligation_services.obligations_mark_done_for_changeset(changeset=proposal) == 0
    )  # idempotent
    fix.refresh_from_db()
    other.refresh_from_db()
    assert (fix.changeset, fix.done_at) == (proposal, proposal.reviewed_at)
    assert other.done_at is None and other.changeset is None


# --- Listing -------------------------------------------------------------------------------------


@pytest.fixture
def workload(personas, make_dossier):
    """Three people in three units, one overdue, one due soon, one on time (today 2/3/2026)."""
    finance = make_dossier(unit="T01.STC")
    budget = make_dossier(unit="T01.STC.NS")
    commune = make_dossier(unit="T01.XA")
    return {
        "finance": duty(
            date(2026, 2, 2),
            unit=finance.current_unit,
            officer=personas["nhaplieu"],
            personal_id=finance.personal_id,
        ),  # due 23/2: overdue
        "budget": duty(
            date(2026, 2, 13),
            unit=budget.current_unit,
            officer=personas["quanly"],
            personal_id=budget.personal_id,
        ),  # due 6/3: due soon on 3/3
        "commune": duty(
            date(2026, 3, 2), unit=commune.current_unit, personal_id=commune.personal_id
        ),  # due 16/3: on time
    }


TODAY = date(2026, 3, 3)


def listed(user, **kw):
    scope = obligations.obligation_scope(user)
    return [o.personal_id for o in obligations.obligations_list(scope=scope, today=TODAY, **kw)]


def test_overdue_and_due_soon_by_unit_subtree_and_by_officer(personas, orgs, workload):
    quanly = personas["quanly"]
    scope = obligations.obligation_scope(quanly)
    ids = {k: v.personal_id for k, v in workload.items()}
    assert [o.personal_id for o in obligations.overdue(scope=scope, today=TODAY)] == [
        ids["finance"]
    ]
    assert [o.personal_id for o in obligations.due_soon(scope=scope, today=TODAY)] == [
        ids["budget"]
    ]
    assert listed(quanly, unit=orgs["finance"]) == [ids["finance"], ids["budget"]]
    assert listed(quanly, unit=orgs["budget"]) == [ids["budget"]]
    assert listed(quanly, officer=personas["nhaplieu"]) == [ids["finance"]]
    assert listed(quanly, unit=orgs["province"], status="on_time") == [ids["commune"]]


def test_counts_per_unit(personas, orgs, workload):
    rows = obligations.counts_by_unit(
        scope=obligations.obligation_scope(personas["quanly"]), today=TODAY
    )
    by_unit = {r["unit__code"]: r for r in rows}
    assert [r["unit__code"] for r in rows] == ["T01.STC", "T01.STC.NS", "T01.XA"]
    assert {k: by_unit["T01.STC"][k] for k in ("total", "open", "overdue", "due_soon")} == {
        "total": 1,
        "open": 1,
        "overdue": 1,
        "due_soon": 0,
    }
    assert (by_unit["T01.STC.NS"]["due_soon"], by_unit["T01.XA"]["on_time"]) == (1, 1)
    only_finance = obligations.counts_by_unit(
        scope=obligations.obligation_scope(personas["quanly"]), root=orgs["finance"], today=TODAY
    )
    assert [r["unit__code"] for r in only_finance] == ["T01.STC", "T01.STC.NS"]


def test_each_reader_lists_only_the_people_in_their_scope(personas, orgs, workload):
    ids = {k: v.personal_id for k, v in workload.items()}
    assert set(listed(personas["quanly"])) == set(ids.values())
    assert listed(personas["nhaplieu"]) == [ids["finance"], ids["budget"]]
    assert listed(personas["ngoai"]) == []
    assert listed(personas["quantri"]) == []
    # A dossier not created yet: its duty shows to the clerks and managers of its unit only.
    duty(
        date(2026, 3, 2),
        kind=ObligationKind.CREATE_FROM_PAPER,
        source="changeset:9",
        unit=orgs["budget"],
        personal_id="001186000777",
    )
    assert "001186000777" in listed(personas["nhaplieu"])
    assert "001186000777" in listed(personas["quanly"])
    assert "001186000777" not in listed(personas["lanhdao"])


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def test_api_lists_obligations_with_filters(api, personas, workload):
    everything = api("quanly").get("/api/v1/obligations").json()
    assert everything["count"] == 3
    first = everything["results"][0]
    assert first["personal_id"] == workload["finance"].personal_id
    assert (first["due_date"], first["status"], first["status_label"]) == (
        "2026-02-23",
        "overdue",
        "Quá hạn",
    )
    assert first["kind_label"] == "Cập nhật thông tin theo quyết định"
    by_officer = api("quanly").get("/api/v1/obligations", {"officer": "nhaplieu"}).json()
    assert [r["officer"] for r in by_officer["results"]] == ["nhaplieu"]
    assert api("quanly").get("/api/v1/obligations", {"officer": "khong-co"}).json()["count"] == 0
    in_unit = api("quanly").get("/api/v1/obligations", {"unit": "T01.STC.NS"}).json()
    assert [r["unit_code"] for r in in_unit["results"]] == ["T01.STC.NS"]
    overdue = api("quanly").get("/api/v1/obligations", {"status": "overdue"}).json()
    assert {r["status"] for r in overdue["results"]} == {"overdue"}
    assert api("ngoai").get("/api/v1/obligations").json()["count"] == 0


def test_api_obligation_errors_are_specific(api, orgs):
    bad = api("quanly").get("/api/v1/obligations", {"status": "late"})
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["field"] == "query.status"
    assert bad.json()["error"]["problems"][0]["code"] == "bad_choice"
    unknown = api("quanly").get("/api/v1/obligations", {"unit": "NOPE"})
    assert unknown.json()["error"]["problems"][0]["code"] == "unknown_unit"
    assert api("quanly").get("/api/v1/obligations/counts", {"unit": "NOPE"}).status_code == 422
    assert Client().get("/api/v1/obligations").status_code == 401


def test_api_counts_per_unit(api, workload):
    rows = api("quanly").get("/api/v1/obligations/counts").json()
    assert [r["unit_code"] for r in rows] == ["T01.STC", "T01.STC.NS", "T01.XA"]
    # Listed today, long after every due date above.
    assert sum(r["overdue"] for r in rows) == 3 and sum(r["total"] for r in rows) == 3


def test_the_obligation_list_costs_the_same_queries_for_more_rows(api, personas, make_dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("quanly")

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/obligations").status_code == 200
        return len(captured)

    for _ in range(2):
        person = make_dossier()
        duty(date(2026, 3, 2), unit=person.current_unit, personal_id=person.personal_id)
    queries_for_list()  # warms the per-process catalog caches
    few = queries_for_list()
    for _ in range(4):
        person = make_dossier()
        duty(
            date(2026, 3, 2),
            unit=person.current_unit,
            officer=personas["nhaplieu"],
            personal_id=person.personal_id,
        )
    assert queries_for_list() == few


def test_the_routes_are_published(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/decisions",
        "/api/v1/decisions/{decision_id}",
        "/api/v1/obligations",
        "/api/v1/obligations/counts",
    ):
        assert path in paths
