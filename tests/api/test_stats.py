"""/api/v1/stats and /people/{id}/forecast: shapes, the gate and stable error codes."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from hoso.access.services import token_create
from hoso.core.dates import today


@pytest.fixture
def api(personas):
    def client_for(username):
        token = token_create(acting_user=None, user=personas[username])
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return client_for


@pytest.fixture
def staff(make_dossier):
    return [
        make_dossier(full_name="Nguyễn Văn An", birth_date=date(1966, 2, 10)),
        make_dossier(
            full_name="Trần Thị Bình",
            sex="F",
            birth_date=date(1972, 8, 9),
            unit="T01.STC.NS",
            positions=[
                {
                    "organization": "T01.STC.NS",
                    "position_code": "head_division_provincial",
                    "is_main": True,
                    "from_date": "2020-01-01",
                }
            ],
        ),
        make_dossier(full_name="Lê Văn Cường", birth_date=date(1990, 1, 1)),
    ]


def test_workforce_by_one_dimension(api, staff):
    r = api("lanhdao").get("/api/v1/stats/workforce?unit=T01&by=sex")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["unit"] == "T01" and body["as_of"] == today().isoformat()
    assert body["total"] == 3
    assert {(tuple(g["key"].items()), g["count"]) for g in body["groups"]} == {
        ((("sex", "M"),), 2),
        ((("sex", "F"),), 1),
    }
    assert sum(g["count"] for g in body["groups"]) == body["total"]


def test_workforce_crossed_and_dated(api, staff):
    r = api("quanly").get("/api/v1/stats/workforce?unit=T01.STC&as_of=2025-08-01&by=unit,sex")
    assert r.status_code == 200
    assert sum(g["count"] for g in r.json()["groups"]) == r.json()["total"] == 3


def test_the_dimensions_are_named_in_the_openapi(db):
    spec = Client().get("/api/v1/openapi.json").json()
    params = spec["paths"]["/api/v1/stats/workforce"]["get"]["parameters"]
    by = next(p for p in params if p["name"] == "by")
    described = by.get("description", "") + by["schema"].get("description", "")
    assert "religion" in described and "age_band" in described
    # The limit of "as of" is stated: staff category is today's value (issue 11).
    op = spec["paths"]["/api/v1/stats/workforce"]["get"]
    assert "Đối tượng (cán bộ, công chức, viên chức, hợp đồng) luôn là" in op["description"]
    assert "các khóa đào tạo đã kết thúc" in op["description"]
    assert "/api/v1/people/{personal_id}/forecast" in spec["paths"]


@pytest.mark.parametrize(
    ("user", "query", "status", "code"),
    [
        ("lanhdao", "unit=T01&by=colour", 422, "unknown_dimension"),
        ("lanhdao", "unit=T01&by=religion", 403, "dimension_not_permitted"),
        ("ngoai", "unit=T01", 403, "unit_out_of_scope"),
        ("lanhdao", "unit=T01&as_of=2099-01-01", 422, "date_in_future"),
        ("lanhdao", "unit=T01&as_of=2020-01-01", 422, "date_before_history"),
        ("lanhdao", "unit=ZZZ", 404, "unknown_unit"),
    ],
)
def test_bad_workforce_questions(api, staff, user, query, status, code):
    r = api(user).get(f"/api/v1/stats/workforce?{query}")
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


def test_retirements_per_year(api, staff):
    year = today().year
    r = api("lanhdao").get(
        f"/api/v1/stats/retirements?unit=T01&from_year={year}&to_year={year + 9}"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert [y["year"] for y in body["years"]] == list(range(year, year + 10))
    by_year = {y["year"]: y for y in body["years"]}
    # A man born 2/1966 reaches 61y9m (the age of 2027) in 11/2027; a woman born 8/1972
    # reaches 58y4m (the age of 2030) in 12/2030.
    assert by_year[2027]["count"] == 1 and by_year[2027]["by_category"] == {"civil_servant": 1}
    assert by_year[2030]["count"] == 1
    assert by_year[2030]["posts"] == {"head_division_provincial": 1}
    assert body["total"] == 2


def test_retirement_years_reversed_is_refused(api, staff):
    year = today().year
    r = api("lanhdao").get(
        f"/api/v1/stats/retirements?unit=T01&from_year={year + 2}&to_year={year}"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "years_reversed"


def test_a_persons_forecast(api, staff):
    person = staff[0]
    r = api("quanly").get(f"/api/v1/people/{person.personal_id}/forecast")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["retirement"] == {"date": "2027-11-30", "age_years": 61, "age_months": 9}
    step = body["next_salary_step"]
    # 01.003 step 2 since 1/9/2011: step 3 due 1/9/2014 (36 months), coefficient 3.00.
    assert step == {
        "date": "2014-09-01",
        "rank_code": "01.003",
        "step": 3,
        "coefficient": "3.00",
        "delay_months": 0,
        "reasons": [],
    }


def test_a_forecast_outside_the_gate_is_404(api, staff):
    r = api("ngoai").get(f"/api/v1/people/{staff[0].personal_id}/forecast")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
