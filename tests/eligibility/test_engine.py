"""The one eligibility engine (R-APPOINT-SAFE, issue 12): each rule refuses with its citation,
just inside its period, and passes just outside it."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.audit.models import AuditAction, AuditEvent
from hoso.catalog.selectors import attrs_of
from hoso.core.errors import ValidationFailed
from hoso.eligibility.engine import ACTIONS, evaluate

pytestmark = pytest.mark.django_db


def reason(verdict, rule):
    (found,) = [r for r in verdict.reasons if r.rule == rule]
    return found


def reprimand(effect_from: str) -> list[dict]:
    # No end date: the period is the form's restriction_months from the catalog.
    return [
        {
            "decision_date": effect_from,
            "form_code": "reprimand",
            "reason": "Vi phạm quy chế",
            "effect_from": effect_from,
        }
    ]


def test_a_reprimand_8_months_ago_refuses_an_appointment_until_its_end(make_dossier):
    person = make_dossier(discipline=reprimand("2026-01-15"))
    months = attrs_of("discipline_form", "reprimand")["restriction_months"]
    assert months == 12
    verdict = evaluate(person, "appointment", date(2026, 9, 15))
    refused = reason(verdict, "discipline_restriction")
    assert not verdict.eligible and not refused.passed
    assert refused.until == date(2027, 1, 15)
    assert "Điều 82" in refused.citation and "172/2025" in refused.citation
    assert refused.facts["disciplines"][0]["form_code"] == "reprimand"
    assert "15/01/2027" in refused.message
    # Just inside: the last day of the period; just outside: the day after.
    assert not reason(
        evaluate(person, "appointment", date(2027, 1, 15)), "discipline_restriction"
    ).passed
    assert reason(
        evaluate(person, "appointment", date(2027, 1, 16)), "discipline_restriction"
    ).passed
    later = evaluate(person, "appointment", date(2027, 2, 15))  # 13 months after
    assert later.eligible, [r.message for r in later.reasons if not r.passed]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_discipline_restriction_applies_to_every_action(make_dossier, action):
    person = make_dossier(discipline=reprimand("2026-01-15"))
    assert not reason(evaluate(person, action, date(2026, 6, 1)), "discipline_restriction").passed


def test_a_person_out_of_service_is_refused(make_dossier):
    person = make_dossier(employment={"status": "retired"})
    refused = reason(evaluate(person, "training", date(2026, 6, 1)), "in_service")
    assert not refused.passed and refused.facts == {"status": "retired"}
    assert "Luật Cán bộ, công chức" in refused.citation


def test_a_first_appointment_needs_60_months_before_retirement(make_dossier):
    # A man born 15/03/1970 reaches 62 (cap) in 03/2032: retirement 31/03/2032.
    person = make_dossier(birth_date=date(1970, 3, 15))
    inside = reason(evaluate(person, "appointment", date(2027, 3, 31)), "retirement_margin")
    outside = reason(evaluate(person, "appointment", date(2027, 4, 1)), "retirement_margin")
    assert inside.passed and not outside.passed
    assert outside.facts["retirement_date"] == "2032-03-31"
    assert outside.facts["months_required"] == 60
    assert "06-HD/BTCTW" in outside.citation
    assert "31/03/2032" in outside.message


def test_a_leader_needs_24_months_in_the_current_post(make_dossier):
    positions = [
        {
            "organization": "T01.STC",
            "position_code": "",
            "is_main": False,
            "from_date": "2008-09-01",
        },
        {
            "organization": "T01.STC",
            "position_code": "deputy_director_so",
            "is_main": True,
            "from_date": "2025-03-01",
        },
    ]
    person = make_dossier(positions=positions)
    early = reason(evaluate(person, "appointment", date(2027, 2, 28)), "time_in_post")
    ready = reason(evaluate(person, "appointment", date(2027, 3, 1)), "time_in_post")
    assert not early.passed and early.until == date(2027, 3, 1) and ready.passed
    assert "06-HD/BTCTW" in early.citation


def test_a_first_appointment_does_not_count_time_in_post(make_dossier):
    person = make_dossier()
    assert reason(evaluate(person, "appointment", date(2026, 6, 1)), "time_in_post").passed


def test_an_unknown_action_is_refused_with_a_stable_code(make_dossier):
    person = make_dossier()
    with pytest.raises(ValidationFailed) as caught:
        evaluate(person, "promotion", date(2026, 6, 1))
    assert [p.code for p in caught.value.problems] == ["unknown_action"]


def test_the_engine_reads_through_the_audited_system_reader(make_dossier):
    person = make_dossier()
    before = AuditEvent.objects.filter(action=AuditAction.DOSSIER_SYSTEM_READ).count()
    evaluate(person, "salary_raise", date(2026, 6, 1))
    after = AuditEvent.objects.filter(action=AuditAction.DOSSIER_SYSTEM_READ).count()
    assert after == before + 1
