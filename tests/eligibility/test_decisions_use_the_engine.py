"""Decision registration asks the one eligibility engine (issue 12 item 3): the preview shows
the engine's reasons, the same as `evaluate`, and the effects refuse with the engine's rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hoso.access.services import token_create
from hoso.changes.services.decisions import decision_preview
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
        discipline=[
            {
                "decision_date": "2026-01-15",
                "form_code": "reprimand",
                "reason": "Vi phạm quy chế",
                "effect_from": "2026-01-15",
            }
        ]
    )


def test_the_preview_gives_the_engines_reasons(personas, reprimanded):
    shown = decision_preview(
        acting_user=personas["nhaplieu"],
        decision_type="appointment",
        personal_id=reprimanded.personal_id,
        parameters=PARAMS,
        **HEADER,
    )
    direct = evaluate(reprimanded, "appointment", HEADER["effective_date"])
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
