"""/api/v1/calendar: due dates and days explained, bad input as JSON errors, and an override
loaded from a catalog file taking effect without a restart."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoso.access.services import token_create


@pytest.fixture
def api(personas):
    token = token_create(acting_user=None, user=personas["nhaplieu"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_endpoints_are_published(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/calendar/working-days" in paths
    assert "/api/v1/calendar/day/{day}" in paths
    assert paths["/api/v1/calendar/day/{day}"]["get"]["tags"] == ["Lịch làm việc, thời hạn"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/calendar/working-days?start=2026-02-13&days=10", "/api/v1/calendar/day/2026-02-17"],
)
def test_anonymous_requests_get_a_json_401(db, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_ten_working_days_across_tet(api):
    response = api.get("/api/v1/calendar/working-days", {"start": "2026-02-13", "days": "10"})
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["days"], body["due_date"]) == ("2026-02-13", 10, "2026-03-06")
    assert body["counted"] == [
        "2026-02-23", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27",
        "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06",
    ]  # fmt: skip
    skipped = {s["date"]: s["reasons"] for s in body["skipped"]}
    assert skipped["2026-02-14"] == ["Thứ Bảy"]
    assert skipped["2026-02-17"] == ["Thứ Ba", "Tết Nguyên Đán"]
    assert len(skipped) == 9 + 2  # the nine days of Tết and the weekend of 28/2 – 1/3


def test_a_worked_saturday_is_counted(api):
    body = api.get("/api/v1/calendar/working-days", {"start": "2025-12-31", "days": 5}).json()
    assert body["counted"] == ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"]
    body = api.get("/api/v1/calendar/working-days", {"start": "2026-01-09", "days": 1}).json()
    assert (body["due_date"], body["skipped"]) == ("2026-01-10", [])


def test_zero_days_is_the_start_itself(api):
    body = api.get("/api/v1/calendar/working-days", {"start": "2026-02-14", "days": 0}).json()
    assert (body["due_date"], body["counted"], body["skipped"]) == ("2026-02-14", [], [])


def test_one_day_explained(api):
    body = api.get("/api/v1/calendar/day/2026-01-10").json()
    assert body["working"] is True
    assert body["reasons"] == ["Thứ Bảy", "Làm bù cho ngày 02/01/2026 (Tết Dương lịch)"]
    assert "12729/VPCP-KGVX" in body["legal_basis"][0]
    body = api.get("/api/v1/calendar/day/2026-04-27").json()
    assert body == {
        "date": "2026-04-27",
        "working": False,
        "reasons": ["Thứ Hai", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"],
        "legal_basis": [],
    }


@pytest.mark.parametrize(
    ("params", "problems"),
    [
        ({"start": "2026-13-01", "days": "3"}, [("bad_date", "start")]),
        ({"start": "13/02/2026", "days": "3"}, [("bad_date", "start")]),
        ({"start": "2026-02-13", "days": "-1"}, [("out_of_range", "days")]),
        ({"start": "2026-02-13", "days": "3651"}, [("out_of_range", "days")]),
        ({"start": "2026-02-13", "days": "ba"}, [("bad_number", "days")]),
        ({"start": "x", "days": "1.5"}, [("bad_date", "start"), ("bad_number", "days")]),
        ({"start": "1999-12-31", "days": "1"}, [("date_out_of_range", "start")]),
        ({"start": "2100-06-01", "days": "3650"}, [("date_out_of_range", "days")]),
    ],
)
def test_bad_input_gets_specific_json_errors_in_vietnamese(api, params, problems):
    response = api.get("/api/v1/calendar/working-days", params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [(p["code"], p["field"]) for p in error["problems"]] == problems
    assert all(p["message"] for p in error["problems"])


def test_a_missing_parameter_is_a_json_error(api):
    response = api.get("/api/v1/calendar/working-days", {"start": "2026-02-13"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("day", ["2026-02-30", "hom-nay", "2101-01-01"])
def test_a_bad_day_gets_a_json_error(api, day):
    response = api.get(f"/api/v1/calendar/day/{day}")
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["field"] == "day"


def test_an_override_loaded_from_a_catalog_file_applies_without_a_restart(api, tmp_path):
    url = "/api/v1/calendar/day/2026-03-02"
    assert api.get(url).json()["working"] is True
    before = api.get("/api/v1/calendar/working-days", {"start": "2026-02-27", "days": 1}).json()
    assert before["due_date"] == "2026-03-02"

    path = tmp_path / "lich_2026.json"
    doc = {
        "catalog": "calendar_override",
        "title": "Điều chỉnh lịch ngày làm việc",
        "legal_basis": "Công văn thử nghiệm",
        "entries": [
            {
                "code": "2026-03-02",
                "name": "Nghỉ theo công văn thử nghiệm",
                "attrs": {"kind": "day_off"},
            }
        ],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    call_command("catalog", "load", str(path))

    body = api.get(url).json()
    assert body["working"] is False
    assert body["reasons"] == ["Thứ Hai", "Nghỉ theo công văn thử nghiệm"]
    assert body["legal_basis"] == ["Công văn thử nghiệm"]
    after = api.get("/api/v1/calendar/working-days", {"start": "2026-02-27", "days": 1}).json()
    assert after["due_date"] == "2026-03-03"
    assert after["skipped"][-1] == {"date": "2026-03-02", "reasons": body["reasons"]}
    # the shipped overrides are still there
    assert api.get("/api/v1/calendar/day/2026-01-10").json()["working"] is True
