"""Completeness in the API (R-COMPLETE): a dossier's format problems and missing components,
masked like the page; a unit's counts by data group, over what the caller may open."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.documents.components_common import (
    component_of,
    documents_sandbox,  # noqa: F401 (fixture)
    small_image,
)

from hoso.access.services import token_create
from hoso.people.standard import COMPONENT_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def test_the_dossier_reports_format_problems_and_a_missing_component(api, make_dossier, personas):
    person = make_dossier(identity={"phone": "12345"}, career_events=[])
    component_of(person, (small_image(), ""), personas["nhaplieu"], kind="resume")
    body = api("quanly").get(f"/api/v1/people/{person.personal_id}").json()
    assert body["missing_required"] == []
    [phone] = body["format_problems"]
    assert phone == {
        "rule": "phone_format",
        "item": "identity.phone",
        "group": 1,
        "message": "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0: «12345».",
        "where": "identity.phone",
    }
    missing = {c["rule"] for c in body["missing_components"]}
    assert "birth_certificate" in missing and "diploma" in missing
    assert "resume" not in missing and "decision" not in missing  # on file / no career event
    assert body["findings_hidden"] == 0


def test_a_hidden_format_problem_is_counted_not_named(api, make_dossier):
    person = make_dossier(identity={"phone": "12345"})
    body = api("lanhdao").get(f"/api/v1/people/{person.personal_id}").json()
    assert body["format_problems"] == []
    assert body["findings_hidden"] == 1
    assert "12345" not in str(body)


def test_the_counts_of_a_unit_by_data_group(api, make_dossier):
    make_dossier(full_name="Phạm Văn Điện", identity={"phone": "12345"})
    make_dossier(full_name="Hoàng Văn Thiếu", health=[])
    make_dossier(full_name="Ngô Văn Xã", unit="T01.XA")
    body = api("quanly").get("/api/v1/completeness", {"unit": "T01.STC"}).json()
    assert (body["unit_code"], body["people"], body["incomplete"]) == ("T01.STC", 2, 2)
    groups = {g["group"]: g for g in body["groups"]}
    assert (groups[1]["complete"], groups[1]["incomplete"]) == (1, 1)
    assert (groups[10]["complete"], groups[10]["incomplete"]) == (1, 1)
    assert groups[COMPONENT_GROUP]["incomplete"] == 2
    assert groups[10]["name"] == "Sức khỏe"
    assert "Phạm Văn Điện" not in str(body)  # counts only
    # another agency's clerk counts nobody here; an unknown unit is a 404
    outside = api("ngoai").get("/api/v1/completeness", {"unit": "T01.STC"}).json()
    assert outside["people"] == 0
    missing = api("quanly").get("/api/v1/completeness", {"unit": "KHONG"})
    assert missing.status_code == 404 and "KHONG" in missing.json()["error"]["message"]
    assert api("quanly").get("/api/v1/completeness").status_code == 422
