"""The Ministry's form: rows and totals consistent, sensitive columns withheld, files readable."""

from __future__ import annotations

import io
from datetime import date

import pytest

from hoso.analytics import reports
from hoso.analytics.selectors import workforce

AS_OF = date(2026, 3, 1)


@pytest.fixture
def staff(make_dossier):
    return [
        make_dossier(full_name="Nguyễn Văn An", birth_date=date(1970, 5, 2)),
        make_dossier(
            full_name="Trần Thị Bình",
            sex="F",
            birth_date=date(1995, 8, 9),
            unit="T01.STC.NS",
            identity={"religion": "phat_giao", "ethnicity": "02"},
            qualifications={"highest_qualification": "master", "political_theory": "advanced"},
            training=[
                {
                    "kind": "professional",
                    "institution": "Học viện Tài chính",
                    "from_date": "2017-09-01",
                    "to_date": "2019-06-30",
                    "qualification": "master",
                }
            ],
        ),
        make_dossier(
            full_name="Phạm Thị Dung",
            sex="F",
            birth_date=date(1980, 1, 1),
            unit="T01.XA",
            work_history=[
                {
                    "from_date": "2015-01-01",
                    "unit_name": "UBND xã",
                    "title": "Công chức",
                    "organization": "T01.XA",
                }
            ],
        ),
    ]


def _check_consistent(report):
    flat = report.flat_columns
    total = report.total.values
    for j, _c in enumerate(flat):
        if total[j] is not None:
            assert total[j] == sum(r.values[j] for r in report.rows)  # sub-totals add up
    grand = total[0]
    assert grand == sum(r.values[0] for r in report.rows)
    start = 0
    for title, cols in report.groups:
        part = total[start : start + len(cols)]
        if title == "Độ tuổi":
            assert sum(part) == grand  # every person has one age band
        elif title == "Trong đó":  # overlapping: a woman may also be a Party member
            assert all(v is None or v <= grand for v in part)
        else:  # exclusive categories: at most everyone (some have none recorded)
            assert sum(part) <= grand
        start += len(cols)


def test_the_form_is_consistent_and_matches_the_counts(staff, personas, orgs):
    report = reports.ministry_report(user=personas["quanly"], unit=orgs["province"], as_of=AS_OF)
    assert [r.code for r in report.rows] == ["T01.STC", "T01.XA"]
    assert report.total.values[0] == 3
    assert (
        report.total.values[0]
        == workforce(user=personas["quanly"], unit=orgs["province"], as_of=AS_OF).total
    )
    titles = [c.title for c in report.flat_columns]
    assert report.total.values[titles.index("Nữ")] == 2
    assert report.total.values[titles.index("Dân tộc thiểu số")] == 1
    assert report.total.values[titles.index("Tôn giáo")] == 1
    assert report.total.values[titles.index("Thạc sĩ")] == 1
    assert report.total.values[titles.index("Chuyên viên và tương đương")] == 3
    assert not report.withheld
    _check_consistent(report)


def test_a_leader_gets_the_sensitive_columns_blank(staff, personas, orgs):
    report = reports.ministry_report(user=personas["lanhdao"], unit=orgs["province"], as_of=AS_OF)
    titles = [c.title for c in report.flat_columns]
    assert report.total.values[titles.index("Tôn giáo")] is None
    assert report.total.values[titles.index("Dân tộc thiểu số")] is None
    assert report.total.values[titles.index("Nữ")] == 2
    assert report.withheld
    _check_consistent(report)


def test_the_workbook_reads_back_with_the_same_totals(staff, personas, orgs):
    openpyxl = pytest.importorskip("openpyxl")
    report = reports.ministry_report(user=personas["quanly"], unit=orgs["province"], as_of=AS_OF)
    wb = openpyxl.load_workbook(io.BytesIO(reports.report_xlsx(report)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    total_row = next(r for r in rows if r[1] == "Tổng cộng")
    assert list(total_row[2:]) == report.total.values
    assert rows[0][0].startswith("Biểu số 01/BNV")
