"""/api/v1/people/{id}/eligibility: the engine's verdict through the read gate, audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hoso.access.services import token_create
from hoso.audit.models import AuditAction, AuditEvent
from hoso.eligibility.engine import evaluate

URL = "/api/v1/people/{}/eligibility"


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


@pytest.fixture
def reprimanded(make_dossier):
    return make_dossier(
        discipline=[
            {
                "decision_date": "2026-01-15",
                "form_code": "reprimand",
                "reason": "Vi phạm quy chế",
                "effect_from": "2026-01-15",
            }
        ]
    )


def test_the_verdict_with_its_reasons_and_citations(api, reprimanded):
    pid = reprimanded.personal_id
    r = api("quanly").get(URL.format(pid) + "?action=appointment&on=2026-09-15")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["personal_id"] == pid and body["on"] == "2026-09-15"
    assert body["eligible"] is False
    refused = [x for x in body["reasons"] if not x["passed"]]
    assert [x["rule"] for x in refused] == ["discipline_restriction"]
    assert refused[0]["until"] == "2027-01-15" and "Điều 82" in refused[0]["citation"]
    assert refused[0]["facts"]["disciplines"][0]["form_code"] == "reprimand"
    # The API gives what the engine gives.
    verdict = evaluate(reprimanded, "appointment", date(2026, 9, 15))
    assert [(x["rule"], x["passed"]) for x in body["reasons"]] == [
        (x.rule, x.passed) for x in verdict.reasons
    ]
    assert AuditEvent.objects.filter(action=AuditAction.ELIGIBILITY_CHECK, personal_id=pid).exists()


def test_accepted_13_months_after_the_reprimand(api, reprimanded):
    r = api("quanly").get(URL.format(reprimanded.personal_id) + "?action=appointment&on=2027-02-15")
    assert r.status_code == 200 and r.json()["eligible"] is True


def test_outside_the_gate_is_404(api, reprimanded):
    r = api("ngoai").get(URL.format(reprimanded.personal_id) + "?action=appointment")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert not AuditEvent.objects.filter(
        action=AuditAction.ELIGIBILITY_CHECK, personal_id=reprimanded.personal_id
    ).exists()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("action=promotion", "unknown_action"),
        ("action=appointment&position=no_such_post", "unknown_position"),
    ],
)
def test_bad_arguments_have_stable_codes(api, reprimanded, query, code):
    r = api("quanly").get(URL.format(reprimanded.personal_id) + "?" + query)
    assert r.status_code == 422, r.content
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    assert [p["code"] for p in error["problems"]] == [code]


def test_a_bad_date_is_refused(api, reprimanded):
    r = api("quanly").get(URL.format(reprimanded.personal_id) + "?action=appointment&on=2026-13-01")
    assert r.status_code == 422, r.content
    assert r.json()["error"]["code"]


def test_documented_in_the_openapi(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/people/{personal_id}/eligibility" in spec["paths"]


def test_the_api_shows_the_new_rules_and_hides_facts_a_reader_may_not_see(api, make_dossier):
    """A leader (ceiling "personal") sees the verdict and the citation of the sentence rule,
    not its facts: `legal_records` is sensitive. A records manager sees them."""
    person = make_dossier(
        legal_records=[
            {
                "kind": "suspended_sentence",
                "from_date": "2026-02-01",
                "to_date": "2028-02-01",
                "authority": "Tòa án nhân dân tỉnh Thử Nghiệm",
                "document_number": "7/2026/HS-ST",
            }
        ]
    )
    query = "?action=appointment&on=2026-09-15&position=head_division_provincial"
    url = URL.format(person.personal_id) + query
    leader = api("lanhdao").get(url)
    manager = api("quanly").get(url)
    assert leader.status_code == manager.status_code == 200, leader.content
    by_rule = {x["rule"]: x for x in leader.json()["reasons"]}
    assert {
        "suspended_sentence",
        "imprisonment_or_corruption",
        "open_review",
        "planning_membership",
        "post_requirements",
    } <= set(by_rule)
    sentence = by_rule["suspended_sentence"]
    assert sentence["passed"] is False and sentence["until"] == "2028-02-01"
    assert "Luật Cán bộ, công chức" in sentence["citation"]
    assert sentence["facts"] is None  # hidden from the leader
    assert by_rule["in_service"]["facts"] == {"status": "working"}
    assert by_rule["planning_membership"]["passed"] is False
    seen = {x["rule"]: x for x in manager.json()["reasons"]}["suspended_sentence"]["facts"]
    assert seen["records"][0]["document_number"] == "7/2026/HS-ST"
    assert "7/2026/HS-ST" not in leader.content.decode()
