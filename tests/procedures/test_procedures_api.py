"""/api/v1/procedures: start, act, waiting work, history; stable codes (R-ONLINE-100)."""

import json

import pytest
from django.test import Client

from hoso.access.services import token_create

POST = {"decision": {"position_code": "deputy_director_so"}}


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_procedure_is_started_acted_on_and_read_through_the_api(api, make_dossier):
    person = make_dossier()
    clerk, manager = api("nhaplieu"), api("quanly")
    started = post(
        clerk,
        "/api/v1/procedures",
        {"procedure_type": "appointment", "personal_id": person.personal_id, "params": POST},
    )
    assert started.status_code == 201, started.content
    pid = started.json()["id"]
    step = {
        "step_code": "appointment.proposal",
        "outcome": "approve",
        "revision": 0,
        "idempotency_key": "a1",
    }
    acted = post(clerk, f"/api/v1/procedures/{pid}/steps", step)
    assert acted.status_code == 200, acted.content
    assert acted.json()["current_step"] == "appointment.planning"
    # The same submission again: the same answer, nothing added.
    again = post(clerk, f"/api/v1/procedures/{pid}/steps", step)
    assert again.status_code == 200 and len(again.json()["steps"]) == 1
    waiting = manager.get("/api/v1/procedures").json()
    assert [p["id"] for p in waiting] == [pid]
    stale = post(
        manager,
        f"/api/v1/procedures/{pid}/steps",
        {
            "step_code": "appointment.planning",
            "outcome": "approve",
            "revision": 0,
            "idempotency_key": "b1",
        },
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "procedure_stale"
    history = manager.get(f"/api/v1/procedures/{pid}").json()
    assert history["steps"][0]["actor"] == "nhaplieu"
    assert api("ngoai").get(f"/api/v1/procedures/{pid}").status_code == 404
