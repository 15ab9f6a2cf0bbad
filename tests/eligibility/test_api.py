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
