"""The facts of a verdict as a person reads them (issue 12; Vietnamese first): every key the rules
write has a Vietnamese label, codes show by their names, dates dd/mm/yyyy — on the procedure
page; the API keeps its keys, codes and ISO dates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from tests.documents.components_common import documents_sandbox  # noqa: F401 (fixture)
from tests.eligibility.helpers import SENIOR_SALARY, eligible, legal, planning
from tests.procedures.common import POST, act

from conftest import login
from hoso.access.services import token_create
from hoso.eligibility.engine import ACTIONS, evaluate
from hoso.eligibility.labels import LABELS, facts_text
from hoso.procedures.services import procedure_start

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
REPRIMAND = {
    "decision_date": "2026-01-15",
    "form_code": "reprimand",
    "reason": "Vi phạm quy chế",
    "effect_from": "2026-01-15",
    "decision_number": "3/QĐ-KL",
}


def keys_of(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_of(inner)


@pytest.fixture
def varied(make_dossier):
    """Dossiers on which the rules write each of their facts, passed and refused."""
    return [
        make_dossier(**eligible("director_so")),
        make_dossier(
            discipline=[REPRIMAND],
            legal_records=[
                legal("suspended_sentence", "2025-08-01", "2027-06-01"),
                legal("disciplinary_review", "2026-05-01"),
            ],
            planning=[planning("director_so", "2026-01-05", end="2026-03-01", removal="Lý do")],
            salary=SENIOR_SALARY,
        ),
        make_dossier(birth_date=date(1967, 1, 10), sex="M"),
    ]


def test_every_fact_key_the_rules_write_has_a_label(varied):
    seen = set()
    for person in varied:
        for action in ACTIONS:
            posts = ("director_so",) if action in {"appointment", "reappointment"} else (None,)
            for position in posts:
                verdict = evaluate(person, action, date(2026, 9, 15), position=position)
                for r in verdict.reasons:
                    seen |= set(keys_of(r.facts))
    assert seen - set(LABELS) == set()
    assert {"disciplines", "records", "plannings", "retirement_date", "required"} <= seen


def test_facts_read_in_vietnamese_with_names_and_dates(varied):
    verdict = evaluate(varied[1], "appointment", date(2026, 9, 15), position="director_so")
    texts = {r.rule: facts_text(r.facts) for r in verdict.reasons}
    discipline = texts["discipline_restriction"]
    assert "Hình thức kỷ luật: Khiển trách" in discipline
    assert "Hết thời hạn: 15/01/2027" in discipline
    assert "Số quyết định: 3/QĐ-KL" in discipline
    assert "Ngày sinh:" in texts["retirement_margin"]
    assert "Giới tính: Nam" in texts["retirement_margin"]
    assert "Chức vụ xét: Giám đốc Sở" in texts["planning_membership"]
    assert "Lý do đưa ra khỏi quy hoạch: Lý do" in texts["planning_membership"]
    assert "Tiêu chuẩn của chức vụ:" in texts["post_requirements"]
    for rule, text in texts.items():
        assert not ISO.search(text), (rule, text)
        assert not re.search(r"\b[a-z]+_[a-z_]+:", text), (rule, text)  # no raw key


def test_the_procedure_page_shows_labels_and_the_api_keeps_keys(personas, make_dossier):
    person = make_dossier(**eligible(POST["decision"]["position_code"]))
    procedure = procedure_start(
        acting_user=personas["nhaplieu"],
        procedure_type="appointment",
        personal_id=person.personal_id,
        params=POST,
    )
    act(personas["nhaplieu"], procedure, "appointment.proposal")
    act(personas["quanly"], procedure, "appointment.planning")
    act(
        personas["lanhdao"],
        procedure,
        "appointment.vote",
        data={"votes_for": 5, "votes_against": 0, "votes_abstain": 0},
    )
    client = login(Client(), personas["quanly"])
    html = client.get(reverse("web:procedure", args=[procedure.pk])).content.decode()
    facts = re.findall(r"Dữ kiện: ([^<]*)</div>", html)
    assert facts, "the verdict before signing shows its facts"
    joined = " ".join(facts)
    assert "Ngày nghỉ hưu:" in joined and "Nhiệm kỳ: 2026-2031" in joined
    assert "retirement_date" not in joined and "birth_date" not in joined
    assert not ISO.search(joined.replace("2026-2031", ""))
    token = token_create(acting_user=None, user=personas["quanly"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.get(
        f"/api/v1/people/{person.personal_id}/eligibility?action=appointment"
        "&position=deputy_director_so"
    ).json()
    margin = next(r for r in body["reasons"] if r["rule"] == "retirement_margin")
    assert ISO.fullmatch(margin["facts"]["retirement_date"])
