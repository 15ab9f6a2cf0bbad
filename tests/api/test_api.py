"""The JSON API: search, whole dossiers, identity, catalogs, organizations, errors."""

import re

import pytest
from django.db import connection
from django.test import Client

from hoso.access.services import token_create


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


def test_openapi_is_published(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/people",
        "/api/v1/people/{personal_id}",
        "/api/v1/identity/{personal_id}",
        "/api/v1/catalogs/{name}",
        "/api/v1/organizations",
    ):
        assert path in paths


def test_anonymous_requests_get_a_json_401_in_vietnamese(db):
    response = Client().get("/api/v1/people?q=an")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert "đăng nhập" in response.json()["error"]["message"]


def test_a_wrong_token_is_refused(db):
    response = Client(HTTP_AUTHORIZATION="Bearer hoso_nottoken").get("/api/v1/people")
    assert response.status_code == 401


def test_search_without_diacritics(api, make_dossier):
    make_dossier(full_name="Nguyễn Văn An")
    make_dossier(full_name="Đặng Thị Hoa", sex="F")
    body = api("quanly").get("/api/v1/people", {"q": "nguyen van an"}).json()
    assert body["count"] == 1
    assert body["results"][0]["full_name"] == "Nguyễn Văn An"
    assert body["results"][0]["unit_name"] == "Sở Tài chính"
    assert api("quanly").get("/api/v1/people", {"q": "dang"}).json()["count"] == 1


def test_search_is_paged(api, make_dossier):
    for given in ["An", "Bình", "Cường", "Dũng", "Đức"]:
        make_dossier(full_name=f"Lê Văn {given}")
    body = api("quanly").get("/api/v1/people", {"page_size": 2, "page": 3}).json()
    assert body["count"] == 5
    assert [r["full_name"] for r in body["results"]] == ["Lê Văn Đức"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"unit": "NOPE"}, "unknown_unit"),
        ({"sex": "X"}, "bad_choice"),
        ({"age_min": 50, "age_max": 30}, "bad_range"),
        ({"page": 0}, "out_of_range"),
    ],
)
def test_bad_search_parameters_get_specific_errors(api, orgs, params, code):
    response = api("quanly").get("/api/v1/people", params)
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["code"] == code


def test_a_non_numeric_parameter_is_a_json_error(api, orgs):
    response = api("quanly").get("/api/v1/people", {"age_min": "abc"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_the_dossier_has_every_section(api, make_dossier):
    from hoso.people.sections import SECTIONS

    person = make_dossier()
    body = api("quanly").get(f"/api/v1/people/{person.personal_id}").json()
    assert set(body["sections"]) == {s.key for s in SECTIONS}
    assert body["sections"]["identity"]["personal_id"] == person.personal_id
    assert body["completeness"] == 1.0 and body["missing_required"] == []


def test_out_of_scope_and_missing_dossiers_look_the_same(api, make_dossier):
    person = make_dossier()  # in the province; `ngoai` works for the ministry
    forbidden = api("ngoai").get(f"/api/v1/people/{person.personal_id}")
    missing = api("ngoai").get("/api/v1/people/001099000000")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert api("ngoai").get("/api/v1/people", {"q": "nguyen"}).json()["count"] == 0


def test_the_administrator_reads_no_dossier(api, make_dossier):
    person = make_dossier()
    assert api("quantri").get(f"/api/v1/people/{person.personal_id}").status_code == 404
    assert api("quantri").get("/api/v1/people").json()["count"] == 0


def test_identity_decoding_with_errors(api, db):
    good = api("quanly").get("/api/v1/identity/001085012345").json()
    assert good["valid"] and good["province_name"] == "Hà Nội" and good["birth_year"] == 1985
    assert good["sex"] == "M"
    bad = api("quanly").get("/api/v1/identity/0990850123", {"sex": "F"}).json()
    assert not bad["valid"]
    assert [e["code"] for e in bad["errors"]] == ["length"]
    mismatch = (
        api("quanly")
        .get("/api/v1/identity/001085012345", {"sex": "F", "birth_date": "1986-01-01"})
        .json()
    )
    assert {e["code"] for e in mismatch["errors"]} == {"sex_mismatch", "birth_year_mismatch"}


def test_catalogs_and_their_dated_entries(api, db):
    listing = api("quanly").get("/api/v1/catalogs").json()
    assert "ethnicity" in {c["name"] for c in listing}
    body = api("quanly").get("/api/v1/catalogs/ethnicity").json()
    assert body["legal_basis"]
    assert {"code": "01", "name": "Kinh"}.items() <= body["entries"][0].items()
    communes = api("quanly").get("/api/v1/catalogs/commune", {"parent": "37"}).json()
    assert communes["entries"] and all(e["parent_code"] == "37" for e in communes["entries"])
    missing = api("quanly").get("/api/v1/catalogs/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_organizations_and_quotas(api, orgs, make_dossier):
    from datetime import date

    from hoso.staffing.services import quota_set

    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=2026,
        staff_category="civil_servant",
        quota=1,
        document_number="1/QĐ-UBND",
        document_date=date(2026, 1, 5),
        document_issuer="Ủy ban nhân dân tỉnh",
        legal_basis="Quyết định giao biên chế thử",
    )
    make_dossier(unit="T01.STC")
    make_dossier(unit="T01.STC.NS", full_name="Trần Văn Bình")
    tree = api("quanly").get("/api/v1/organizations", {"root": "T01"}).json()
    assert [o["code"] for o in tree][:2] == ["T01", "T01.STC"]
    [usage] = api("quanly").get("/api/v1/organizations/T01.STC/quotas", {"year": 2026}).json()
    assert (usage["quota"], usage["counted"], usage["remaining"]) == (1, 2, -1)
    assert api("quanly").get("/api/v1/organizations/NOPE").status_code == 404


def test_every_dossier_read_and_search_is_audited(api, make_dossier):
    from hoso.audit.selectors import events_for_person, events_for_user

    person = make_dossier()
    api("quanly").get(f"/api/v1/people/{person.personal_id}")
    api("ngoai").get(f"/api/v1/people/{person.personal_id}")
    api("quanly").get("/api/v1/people", {"q": "nguyen"})
    seen = list(
        events_for_person(person.personal_id).exclude(action="dossier_write").order_by("seq")
    )
    assert [(e.actor_username, e.action, e.outcome) for e in seen] == [
        ("quanly", "dossier_read_allowed", "allow"),
        ("ngoai", "dossier_read_denied", "deny"),
    ]
    assert "identity.phone" in seen[0].sections
    assert seen[0].actor_role == "records_manager" and seen[0].actor_unit == "T01"
    assert seen[0].correlation_id and seen[0].client_address == "127.0.0.1"
    [search] = events_for_user("quanly").filter(action="search")
    assert search.detail["shown"] == [person.personal_id]
    assert search.detail["query"]["q"] == "nguyen"


def test_writes_are_audited_in_the_same_transaction(orgs):
    from conftest import dossier
    from hoso.audit.models import AuditEvent
    from hoso.core.errors import ValidationFailed
    from hoso.people.services import dossier_create

    data = dossier()
    dossier_create(acting_user=None, data=data)
    [event] = AuditEvent.objects.filter(action="dossier_write")
    assert event.detail["personal_ids"] == [data["identity"]["personal_id"]]
    bad = dossier(full_name="Trần Văn Bình")
    bad["identity"]["birth_date"] = "2999-01-01"
    with pytest.raises(ValidationFailed):
        dossier_create(acting_user=None, data=bad)
    assert AuditEvent.objects.filter(action="dossier_write").count() == 1


def test_counts_past_the_limit_are_estimated_on_postgresql(api, make_dossier, settings):
    """Exact up to HOSO_COUNT_LIMIT; past it PostgreSQL's planner estimate, never below the
    limit + 1 (`count_exact` false); SQLite counts exactly (issue 13)."""
    settings.HOSO_COUNT_LIMIT = 2
    for given in ["An", "Bình", "Cường"]:
        make_dossier(full_name=f"Lê Văn {given}")
    body = api("quanly").get("/api/v1/people", {"q": "le"}).json()
    if connection.vendor == "postgresql":
        assert body["count_exact"] is False and body["count"] >= 3
    else:
        assert (body["count"], body["count_exact"]) == (3, True)
    assert len(body["results"]) == 3
    body = api("quanly").get("/api/v1/people", {"q": "le van an"}).json()
    assert (body["count"], body["count_exact"]) == (1, True)


def test_a_token_records_its_last_use_at_most_once_a_minute(personas):
    from hoso.access.models import ApiToken

    token = token_create(acting_user=None, user=personas["quanly"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/v1/catalogs")
    first = ApiToken.objects.get(user=personas["quanly"]).last_used_at
    client.get("/api/v1/catalogs")
    assert first is not None
    assert ApiToken.objects.get(user=personas["quanly"]).last_used_at == first


@pytest.mark.parametrize(
    ("url", "field", "code"),
    [
        ("/api/v1/people?age_max=10000", "query.age_max", "out_of_range"),
        ("/api/v1/people?page_size=-3924964189", "query.page_size", "out_of_range"),
        ("/api/v1/people?page=96704651925048994226503680", "query.page", "out_of_range"),
        ("/api/v1/people/export.csv?age_max=10000", "query.age_max", "out_of_range"),
        ("/api/v1/obligations?page=96704651925048994226503680", "query.page", "out_of_range"),
        ("/api/v1/obligations?page_size=-5", "query.page_size", "out_of_range"),
        ("/api/v1/identity/001085012345?sex=X", "query.sex", "bad_choice"),
        ("/api/v1/identity/001085012345?birth_date=0", "query.birth_date", "bad_date"),
        ("/api/v1/organizations?on=0.0", "query.on", "bad_date"),
        ("/api/v1/catalogs/ethnicity?on=2020-01-01&on=2021-01-01", "query.on", "repeated"),
        ("/api/v1/catalogs/ethnicity?on=1700-01-01", "query.on", "date_out_of_range"),
        ("/api/v1/components/99999999999999999999999", "path.component_id", "out_of_range"),
        ("/api/v1/organizations/T01/quotas?year=99999999", "query.year", "out_of_range"),
    ],
)
def test_inputs_that_were_server_errors_are_specific_422s(api, orgs, url, field, code):
    """Issue 15.6: each of these was a 500 (or accepted); now a 422 naming the field."""
    response = api("quanly").get(url)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    [problem] = error["problems"]
    assert (problem["field"], problem["code"]) == (field, code)
    assert problem["loc"] == field.split(".") and problem["type"]
    assert problem["message"] and not problem["message"].startswith(("Input", "Field", "Value"))


def test_a_missing_field_is_explained_in_vietnamese_with_its_type_and_place(api, orgs):
    """Issue 16.4: pydantic's "Field required" becomes Vietnamese; `type`/`loc` are kept."""
    response = api("nhaplieu").post(
        "/api/v1/decisions", {"number": "12/QĐ-UBND"}, content_type="application/json"
    )
    assert response.status_code == 422
    problems = {p["field"]: p for p in response.json()["error"]["problems"]}
    issuer = problems["body.body.issuer"]
    assert (issuer["code"], issuer["type"]) == ("required", "missing")
    assert issuer["message"] == "Thiếu trường bắt buộc."
    assert issuer["loc"] == ["body", "body", "issuer"]


def test_a_bad_date_is_explained_in_vietnamese(api, orgs):
    body = {
        "decision_type": "appointment",
        "number": "12/QĐ-UBND",
        "signed_date": "2026-02-30",
        "issuer": "UBND tỉnh",
        "received_date": "01/03/2026",
        "effective_date": "2026-03-01",
        "personal_id": "001085012345",
    }
    response = api("nhaplieu").post("/api/v1/decisions", body, content_type="application/json")
    assert response.status_code == 422
    problems = {p["field"]: p for p in response.json()["error"]["problems"]}
    assert problems["body.body.signed_date"]["message"] == "Ngày «2026-02-30» không có trong lịch."
    assert problems["body.body.received_date"]["message"] == "Ngày phải viết dạng YYYY-MM-DD."
    assert {p["code"] for p in problems.values()} == {"bad_date"}


def test_a_body_that_is_not_json_is_a_vietnamese_400(api, orgs):
    response = api("nhaplieu").post("/api/v1/decisions", "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_body"
    assert "không đọc được" in response.json()["error"]["message"]


def test_every_summary_is_vietnamese_and_every_operation_declares_its_errors(db):
    """Issue 16.4 and 15.6: no English summary ("People Search") nor group; 401, 422 and the
    login throttle's 429 everywhere, with the error body."""
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            summary = operation["summary"]
            assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựìíỉĩịùúủũụ]", summary), (
                method,
                path,
                summary,
            )
            for tag in operation["tags"]:  # the groups of the docs page, too
                assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựìíỉĩịùúủũụ]", tag), (
                    path,
                    tag,
                )
            assert {"401", "422", "429"} <= set(operation["responses"]), (method, path)
