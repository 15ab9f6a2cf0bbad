"""Decision registration asks the one eligibility engine (issue 12 item 3): the preview shows
the engine's reasons, the same as `evaluate`, and the effects refuse with the engine's rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from tests.eligibility.helpers import eligible, legal

from hoso.access.services import token_create
from hoso.changes.models import ChangeSet, PersonnelDecision
from hoso.changes.services.decisions import decision_preview, decision_register
from hoso.core.errors import ValidationFailed
from hoso.eligibility.engine import evaluate

pytestmark = pytest.mark.django_db

HEADER = {
    "number": "30/QĐ-UBND",
    "signed_date": date(2026, 9, 1),
    "issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
    "received_date": date(2026, 9, 5),
    "effective_date": date(2026, 9, 15),
}
PARAMS = {"position_code": "head_division_provincial", "organization": "T01.STC.NS"}


@pytest.fixture
def reprimanded(make_dossier):
    make_dossier(unit="T01.STC.NS")
    return make_dossier(
        **eligible("head_division_provincial"),
        discipline=[
            {
                "decision_date": "2026-01-15",
                "form_code": "reprimand",
                "reason": "Vi phạm quy chế",
                "effect_from": "2026-01-15",
            }
        ],
    )


def test_the_preview_gives_the_engines_reasons(personas, reprimanded):
    shown = decision_preview(
        acting_user=personas["nhaplieu"],
        decision_type="appointment",
        personal_id=reprimanded.personal_id,
        parameters=PARAMS,
        **HEADER,
    )
    direct = evaluate(
        reprimanded, "appointment", HEADER["effective_date"], position=PARAMS["position_code"]
    )
    assert shown.eligibility is not None
    assert shown.eligibility.reasons == direct.reasons
    assert not shown.eligibility.eligible
    # The effects refuse with the same rule: the registration is blocked.
    assert shown.blocked and "under_discipline" in {p.code for p in shown.problems}


def test_the_api_preview_shows_the_engines_reasons(personas, reprimanded):
    token = token_create(acting_user=None, user=personas["nhaplieu"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "decision_type": "appointment",
        "personal_id": reprimanded.personal_id,
        "parameters": PARAMS,
        **{k: v.isoformat() if isinstance(v, date) else v for k, v in HEADER.items()},
    }
    r = client.post("/api/v1/decisions/preview", body, content_type="application/json")
    assert r.status_code == 200, r.content
    reasons = r.json()["eligibility"]["reasons"]
    refused = [x for x in reasons if not x["passed"]]
    assert [x["rule"] for x in refused] == ["discipline_restriction"]
    assert refused[0]["until"] == "2027-01-15"


def register(personas, person, decision_type, parameters=None):
    return decision_register(
        acting_user=personas["nhaplieu"],
        decision_type=decision_type,
        personal_id=person.personal_id,
        parameters=parameters or {},
        **HEADER,
    )


def test_registering_asks_every_rule_of_the_engine_and_writes_nothing(personas, make_dossier):
    """A suspended sentence and no planning: the registration is refused with both reasons,
    each with its citation, under the engine's codes (one copy of each rule)."""
    make_dossier(unit="T01.STC.NS")
    person = make_dossier(legal_records=[legal("suspended_sentence", "2026-01-10", "2027-01-10")])
    with pytest.raises(ValidationFailed) as caught:
        register(personas, person, "appointment", PARAMS)
    problems = {p.code: p.message for p in caught.value.problems}
    assert set(problems) >= {"ineligible_suspended_sentence", "ineligible_planning_membership"}
    assert "10/01/2027" in problems["ineligible_suspended_sentence"]
    assert "Căn cứ: Luật Cán bộ, công chức" in problems["ineligible_suspended_sentence"]
    assert "80-QĐ/TW" in problems["ineligible_planning_membership"]
    assert not PersonnelDecision.objects.exists() and not ChangeSet.objects.exists()
    # The same person in the planning, once the probation has ended, may be appointed.
    ready = make_dossier(
        **eligible("head_division_provincial"),
        legal_records=[legal("suspended_sentence", "2026-01-10", "2026-09-14")],
    )
    assert register(personas, ready, "appointment", PARAMS).changeset_id


def test_a_raise_without_last_years_grade_is_refused_at_registration(personas, make_dossier):
    person = make_dossier()  # graded for 2024 only; the raise takes effect in 2026
    with pytest.raises(ValidationFailed) as caught:
        register(personas, person, "salary_raise_regular")
    assert [p.code for p in caught.value.problems] == ["ineligible_last_evaluation_grade"]
    assert register(personas, make_dossier(**eligible()), "salary_raise_regular").changeset_id


def test_a_rank_change_is_barred_by_a_running_discipline(personas, reprimanded):
    with pytest.raises(ValidationFailed) as caught:
        register(personas, reprimanded, "rank_change", {"rank_code": "01.002"})
    assert [p.code for p in caught.value.problems] == ["under_discipline"]


def test_a_decision_of_past_years_is_still_judged_by_the_discipline_rule(personas, make_dossier):
    """The in-service and discipline rules are dated from 01/01/2010, so registering a 2024
    decision still meets a 2024 reprimand (and the step time, from 01/10/2004)."""
    reprimand = {
        "decision_date": "2024-01-15",
        "form_code": "reprimand",
        "reason": "Vi phạm quy chế",
        "effect_from": "2024-01-15",
    }
    person = make_dossier(discipline=[reprimand])
    when = {"signed_date": date(2024, 5, 1), "received_date": date(2024, 5, 2)}
    with pytest.raises(ValidationFailed) as caught:
        decision_register(
            acting_user=personas["nhaplieu"],
            decision_type="training",
            number="8/QĐ-SNV",
            issuer="Sở Nội vụ",
            effective_date=date(2024, 5, 6),
            personal_id=person.personal_id,
            parameters={"institution": "Học viện Hành chính Quốc gia"},
            **when,
        )
    assert [p.code for p in caught.value.problems] == ["under_discipline"]
    verdict = evaluate(person, "salary_raise", date(2024, 5, 6))
    assert {r.rule for r in verdict.reasons} == {
        "in_service",
        "discipline_restriction",
        "salary_step_time",
    }
