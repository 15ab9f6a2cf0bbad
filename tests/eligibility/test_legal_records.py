"""The rules on sentences and reviews (R-APPOINT-SAFE, issue 12 item 2): each refuses with its
citation just inside its period and passes just outside it."""

from __future__ import annotations

from datetime import date

import pytest
from tests.eligibility.helpers import legal, reason

from hoso.eligibility.engine import evaluate

pytestmark = pytest.mark.django_db

# DOMAIN.md: a suspended sentence bars appointment, training and salary raises while it runs.
SUSPENDED_ACTIONS = ("appointment", "reappointment", "salary_raise", "training", "planning")


@pytest.mark.parametrize("action", SUSPENDED_ACTIONS)
def test_a_running_suspended_sentence_refuses_until_its_last_day(make_dossier, action):
    person = make_dossier(legal_records=[legal("suspended_sentence", "2025-08-01", "2027-06-01")])
    inside = reason(evaluate(person, action, date(2027, 5, 31)), "suspended_sentence")
    last_day = reason(evaluate(person, action, date(2027, 6, 1)), "suspended_sentence")
    outside = reason(evaluate(person, action, date(2027, 6, 2)), "suspended_sentence")
    assert not inside.passed and not last_day.passed and outside.passed
    assert inside.until == date(2027, 6, 1)
    assert "01/06/2027" in inside.message
    assert "Luật Cán bộ, công chức" in inside.citation and "112/2020" in inside.citation
    (record,) = inside.facts["records"]
    assert record["kind"] == "suspended_sentence" and record["to_date"] == "2027-06-01"
    assert record["kind_name"] == "Án treo"
    # Before the judgment there is nothing to refuse.
    assert reason(evaluate(person, action, date(2025, 7, 31)), "suspended_sentence").passed


def test_a_suspended_sentence_without_an_end_refuses_with_no_end(make_dossier):
    person = make_dossier(legal_records=[legal("suspended_sentence", "2026-02-01")])
    refused = reason(evaluate(person, "training", date(2030, 1, 1)), "suspended_sentence")
    assert not refused.passed and refused.until is None
    assert "chưa ghi ngày hết thời gian thử thách" in refused.message


@pytest.mark.parametrize("kind", ["imprisonment", "corruption_conviction"])
def test_imprisonment_or_corruption_refuses_from_the_judgment_for_good(make_dossier, kind):
    person = make_dossier(legal_records=[legal(kind, "2026-03-01", "2026-09-01")])
    before = reason(
        evaluate(person, "appointment", date(2026, 2, 28)), "imprisonment_or_corruption"
    )
    on_day = reason(evaluate(person, "appointment", date(2026, 3, 1)), "imprisonment_or_corruption")
    years = reason(evaluate(person, "salary_raise", date(2031, 1, 1)), "imprisonment_or_corruption")
    assert before.passed and not on_day.passed and not years.passed
    assert on_day.until is None and "thôi việc" in on_day.message
    assert "Luật Viên chức" in on_day.citation
    assert on_day.facts["records"][0]["kind"] == kind


@pytest.mark.parametrize("kind", ["disciplinary_review", "investigation"])
def test_an_open_review_refuses_until_it_is_concluded(make_dossier, kind):
    open_one = make_dossier(legal_records=[legal(kind, "2026-05-01")])
    refused = reason(evaluate(open_one, "appointment", date(2026, 11, 1)), "open_review")
    assert not refused.passed and refused.until is None
    assert "chưa có kết luận" in refused.message and "80-QĐ/TW" in refused.citation

    closed = make_dossier(legal_records=[legal(kind, "2026-05-01", "2026-07-31")])
    assert not reason(evaluate(closed, "training", date(2026, 7, 31)), "open_review").passed
    assert reason(evaluate(closed, "training", date(2026, 8, 1)), "open_review").passed
    assert reason(evaluate(closed, "training", date(2026, 4, 30)), "open_review").passed


def test_a_clean_record_passes_every_legal_rule(make_dossier):
    person = make_dossier()
    verdict = evaluate(person, "appointment", date(2026, 6, 1))
    for rule in ("suspended_sentence", "imprisonment_or_corruption", "open_review"):
        found = reason(verdict, rule)
        assert found.passed and found.facts == {"records": []}


def test_a_record_of_another_kind_is_not_read_by_the_rule(make_dossier):
    person = make_dossier(legal_records=[legal("investigation", "2026-05-01")])
    verdict = evaluate(person, "appointment", date(2026, 6, 1))
    assert reason(verdict, "suspended_sentence").passed
    assert reason(verdict, "imprisonment_or_corruption").passed
    assert not reason(verdict, "open_review").passed


def test_a_bad_record_is_refused_with_a_specific_reason(make_dossier):
    from hoso.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        make_dossier(
            legal_records=[
                legal("no_such_kind", "2026-05-01"),
                legal("investigation", "2026-05-01", "2026-04-01"),
                {**legal("", "2026-05-01")},
            ]
        )
    # The bulk path prefixes the dossier's index in the batch.
    found = {(p.code, p.field.removeprefix("[0].")) for p in caught.value.problems}
    assert ("unknown_code", "legal_records[0].kind") in found
    assert ("period_reversed", "legal_records[1].to_date") in found
    assert ("required", "legal_records[2].kind") in found
