"""A planning decision with its term puts the person in the planning; a removal takes them
out with the reason (issue 12 item 2, planning membership)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.eligibility.helpers import GRADES, reason

from hoso.changes.services.changesets import changeset_approve, current_data
from hoso.changes.services.decisions import decision_register
from hoso.core.errors import ValidationFailed
from hoso.eligibility.engine import evaluate
from hoso.people.models import Person

pytestmark = pytest.mark.django_db

POST = "head_division_provincial"


def apply(personas, person, decision_type, parameters, effective, number):
    decision = decision_register(
        acting_user=personas["nhaplieu"],
        decision_type=decision_type,
        number=number,
        signed_date=effective,
        issuer="Ủy ban nhân dân tỉnh Thử Nghiệm",
        received_date=effective,
        effective_date=effective,
        personal_id=person.personal_id,
        parameters=parameters,
    )
    changeset_approve(acting_user=personas["quanly"], changeset_id=decision.changeset_id)
    return current_data(person.personal_id, acting_user=None)


def membership(person, on):
    person = Person.objects.get(pk=person.pk)
    return reason(evaluate(person, "appointment", on, position=POST), "planning_membership")


def test_a_planning_decision_with_its_term_then_a_removal(personas, make_dossier):
    person = make_dossier(evaluations=GRADES)
    assert not membership(person, date(2026, 6, 1)).passed
    data = apply(
        personas,
        person,
        "planning",
        {"position_code": POST, "term": "2026-2031"},
        date(2026, 3, 2),
        "12/QĐ-UBND",
    )
    (row,) = data["planning"]
    assert (row["term"], row["position_code"], row["from_date"], row["organization"]) == (
        "2026-2031",
        POST,
        "2026-03-02",
        "T01.STC",
    )
    assert data["career_events"][-1]["decision_number"] == "12/QĐ-UBND"
    assert membership(person, date(2026, 6, 1)).passed

    data = apply(
        personas,
        person,
        "planning_removal",
        {"position_code": POST, "removal_reason": "Chuyển công tác khác"},
        date(2026, 10, 1),
        "30/QĐ-UBND",
    )
    (row,) = data["planning"]
    assert (row["to_date"], row["removal_reason"]) == ("2026-09-30", "Chuyển công tác khác")
    assert membership(person, date(2026, 9, 30)).passed
    assert not membership(person, date(2026, 10, 1)).passed


def test_bad_planning_decisions_are_refused_with_their_reasons(personas, make_dossier):
    person = make_dossier()

    def refused(decision_type, parameters):
        with pytest.raises(ValidationFailed) as caught:
            apply(personas, person, decision_type, parameters, date(2026, 3, 2), "1/QĐ")
        return {p.code: p.field for p in caught.value.problems}

    assert refused("planning", {"position_code": POST, "term": "2026/2031"}) == {
        "bad_term": "parameters.term"
    }
    assert refused("planning", {"position_code": POST, "term": "2031-2036"}) == {
        "bad_term": "parameters.term"
    }
    assert refused("planning", {"term": "2026-2031"}) == {"required": "parameters.position_code"}
    assert refused("planning_removal", {"position_code": POST, "removal_reason": "Lý do"}) == {
        "not_in_planning": "parameters.position_code"
    }
    assert "required" in refused("planning_removal", {"position_code": POST})
