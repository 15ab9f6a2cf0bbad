"""/api/v1/changesets (issue 10, the API): create a dossier and propose section changes, read
a change set through the gate, approve (signed) or reject — with the stable error codes of
the other routers, nothing saved on a refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import dossier
from hoso.access.services import token_create
from hoso.changes.models import ChangeSet, Obligation
from hoso.people.models import Person

PAPER = "2026-11-02"


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _create_body(data):
    return {
        "personal_id": data["identity"]["personal_id"],
        "operations": [{"op": "create", "data": data}],
        "source_kind": "paper",
        "paper_confirmed_on": PAPER,
    }


def test_a_dossier_is_created_proposed_read_and_approved_signed(api, personas, orgs):
    data = dossier(full_name="Hoàng Thị Mai", sex="F")
    pid = data["identity"]["personal_id"]
    created = post(api("nhaplieu"), "/api/v1/changesets", _create_body(data))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "proposed" and body["creates_dossier"] is True
    assert Obligation.objects.filter(changeset_id=body["id"]).exists()
    # The reviewer reads the whole new dossier as a diff, through the gate.
    read = api("quanly").get(f"/api/v1/changesets/{body['id']}")
    assert read.status_code == 200
    changes = read.json()["changes"]
    assert {"section": "identity", "field": "full_name", "after": "Hoàng Thị Mai"}.items() <= next(
        c for c in changes if c["field"] == "full_name"
    ).items()
    # The proposer cannot approve their own proposal.
    refused = post(api("nhaplieu"), f"/api/v1/changesets/{body['id']}/approve", {})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["code"] == "self_approval"
    approved = post(api("quanly"), f"/api/v1/changesets/{body['id']}/approve", {})
    assert approved.status_code == 200, approved.content
    assert approved.json()["version"] == 1 and len(approved.json()["sha256"]) == 64
    assert Person.objects.get(personal_id=pid).full_name == "Hoàng Thị Mai"
    again = post(api("quanly"), f"/api/v1/changesets/{body['id']}/approve", {})
    assert again.json()["error"]["problems"][0]["code"] == "already_decided"


def test_an_id_with_a_dossier_is_refused_with_a_stable_code(api, make_dossier):
    person = make_dossier(unit="T01.XA")  # one the clerk may not open
    data = dossier()
    data["identity"]["personal_id"] = person.personal_id
    response = post(api("nhaplieu"), "/api/v1/changesets", _create_body(data))
    assert response.status_code == 422
    assert response.json()["error"]["problems"] == [
        {
            "code": "dossier_exists",
            "message": "Số định danh này đã có hồ sơ trên hệ thống.",
            "field": "personal_id",
        }
    ]
    assert person.full_name not in response.content.decode()
    assert not ChangeSet.objects.exists()


def test_a_section_change_with_a_stale_base_version_is_refused(api, personas, make_dossier):
    person = make_dossier()
    pid = person.personal_id
    first = {
        "personal_id": pid,
        "operations": [{"op": "set", "section": "identity", "values": {"phone": "0987000111"}}],
        "source_kind": "paper",
        "paper_confirmed_on": PAPER,
        "base_version": 0,
    }
    made = post(api("nhaplieu"), "/api/v1/changesets", first)
    assert made.status_code == 201
    post(api("quanly"), f"/api/v1/changesets/{made.json()['id']}/approve", {})
    second = {
        **first,
        "operations": [{"op": "set", "section": "identity", "values": {"email": "a@b.vn"}}],
    }
    stale = post(api("nhaplieu"), "/api/v1/changesets", second)
    assert stale.status_code == 422
    problems = stale.json()["error"]["problems"]
    assert [(p["code"], p["field"]) for p in problems] == [("stale_form", "identity.phone")]
    assert "0987000111" not in stale.content.decode()  # what changed, never its value
    assert ChangeSet.objects.filter(personal_id=pid).count() == 1


def test_a_correction_shows_the_field_diff_and_is_rejected_with_a_reason(api, make_dossier):
    person = make_dossier()
    body = {
        "personal_id": person.personal_id,
        "operations": [
            {"op": "correct", "section": "salary", "index": 1, "row": {"decision_number": "15/QĐ"}}
        ],
        "source_kind": "decision",
        "source_note": "Quyết định 15/QĐ",
    }
    made = post(api("nhaplieu"), "/api/v1/changesets", body)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    changes = api("quanly").get(f"/api/v1/changesets/{pk}").json()["changes"]
    assert [(c["section"], c["field"], c["before"], c["after"]) for c in changes] == [
        ("salary", "decision_number", "", "15/QĐ")
    ]
    # The proposer reads their own change set too; another agency's officer does not.
    assert api("nhaplieu").get(f"/api/v1/changesets/{pk}").status_code == 200
    assert api("ngoai").get(f"/api/v1/changesets/{pk}").status_code == 404
    no_reason = post(api("quanly"), f"/api/v1/changesets/{pk}/reject", {"reason": " "})
    assert no_reason.json()["error"]["problems"][0]["code"] == "reason_required"
    rejected = post(api("quanly"), f"/api/v1/changesets/{pk}/reject", {"reason": "Sai số"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("operations", "code"),
    [
        ([{"op": "set", "section": "identity", "values": 5}], "bad_operation"),
        (
            [{"op": "add", "section": "work_history", "row": {"from_date": {"x": 1}}}],
            "bad_operation",
        ),
        ([{"op": "create", "data": {"identity": "x"}}], "bad_operation"),
        ([{"op": "set", "section": "nothing", "values": {"a": 1}}], "bad_operation"),
        (
            [
                {
                    "op": "add",
                    "section": "work_history",
                    "row": {"from_date": "2999-01-01", "unit_name": "A", "title": "B"},
                }
            ],
            "future_date",
        ),
        (
            [{"op": "set", "section": "identity", "values": {"ethnicity": "99x"}}],
            "unknown_code",
        ),
    ],
)
def test_bad_operations_are_refused_with_their_code(api, make_dossier, operations, code):
    person = make_dossier()
    response = post(
        api("nhaplieu"),
        "/api/v1/changesets",
        {"personal_id": person.personal_id, "operations": operations, "source_kind": "decision"},
    )
    assert response.status_code in (404, 422), response.content
    if operations[0]["op"] == "create":  # a creation on an id with a dossier
        assert response.json()["error"]["problems"][0]["code"] in {code, "dossier_exists"}
    else:
        assert code in {p["code"] for p in response.json()["error"]["problems"]}
    assert not ChangeSet.objects.exists()


def test_who_may_not_open_the_dossier_gets_the_404_of_a_missing_one(api, make_dossier):
    person = make_dossier(unit="T01.XA")
    body = {
        "personal_id": person.personal_id,
        "operations": [{"op": "set", "section": "identity", "values": {"phone": "0900000000"}}],
        "source_kind": "decision",
    }
    refused = post(api("nhaplieu"), "/api/v1/changesets", body)
    missing = post(api("nhaplieu"), "/api/v1/changesets", {**body, "personal_id": "001085999999"})
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert not ChangeSet.objects.exists()
