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
    # The form's basis and what is (not) established about the newer regime travel with it.
    texts = [r[0] for r in rows if isinstance(r[0], str)]
    assert any(t.startswith("Căn cứ: Biểu số 01/BNV") for t in texts)
    assert any("Thông tư số 18/2025/TT-BNV" in t and "Chưa xác lập được" in t for t in texts)


def test_the_form_is_the_catalog_and_a_new_form_is_a_catalog_change(staff, personas, orgs):
    """Law is data: the columns, their order and the form's name come from `report_form`
    (R-STATS); loading a changed catalog changes the report without a release."""
    import json
    from importlib import resources

    from hoso.catalog.selectors import clear_cache
    from hoso.catalog.services import catalog_load_document

    form = reports.form()
    assert form.name.startswith("Biểu số 01/BNV")
    assert "Thông tư số 11/2012/TT-BNV" in form.basis and "2114/BNV-CCVC" in form.basis
    assert "Thông tư số 18/2025/TT-BNV" in form.status and "Chưa xác lập được" in form.status
    groups = reports.columns()
    assert [title for title, _cols in groups] == [
        "Tổng số",
        "Trong đó",
        "Ngạch, chức danh nghề nghiệp",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Quản lý nhà nước",
        "Độ tuổi",
    ]
    assert sum(len(cols) for _t, cols in groups) == 28
    path = resources.files("hoso.catalog") / "data" / "report_form.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["title"] = "Biểu thử – số lượng công chức"
    for e in doc["entries"]:
        if e["attrs"]["group"] not in ("Tổng số", "Trong đó"):
            e["valid_to"] = "2025-12-31"  # the old columns end where the new form starts
    doc["entries"].append(
        {
            "code": "cadres",
            "name": "Cán bộ",
            "valid_from": "2026-01-01",
            "attrs": {"group": "Trong đó", "dimension": "staff_category", "values": ["cadre"]},
        }
    )
    catalog_load_document(doc=doc, source="report_form.json (thử)")
    clear_cache()
    report = reports.ministry_report(user=personas["quanly"], unit=orgs["province"], as_of=AS_OF)
    titles = [c.title for c in report.flat_columns]
    assert titles[-1] == "Cán bộ" and "Tiến sĩ" not in titles
    assert reports.title_lines(report)[0] == "Biểu thử – số lượng công chức"
    _check_consistent(report)
    before = reports.ministry_report(
        user=personas["quanly"], unit=orgs["province"], as_of=date(2025, 12, 31)
    )
    titles = [c.title for c in before.flat_columns]
    assert "Tiến sĩ" in titles and "Cán bộ" not in titles  # the form in force on that day


def test_every_cell_equals_the_sum_of_its_workforce_groups(staff, personas, orgs, make_dossier):
    """The one grouped query of the form gives, cell by cell, what the breakdowns by unit and
    each dimension give — ages on the day's boundaries (a birthday on the reporting date, 29
    February), ranks of several pay groups, a minority, a Party member."""
    make_dossier(full_name="Hà Văn Ba Mươi", birth_date=date(1996, 3, 1))  # 30 on AS_OF
    make_dossier(full_name="Hà Văn Ba Mốt", birth_date=date(1995, 3, 1))  # 31 on AS_OF
    make_dossier(full_name="Hà Thị Nhuận", sex="F", birth_date=date(1964, 2, 29))
    make_dossier(
        full_name="Mùa A Páo",
        birth_date=date(1960, 1, 1),
        unit="T01.XA",
        identity={"ethnicity": "25"},
        salary=[
            {"from_date": "2010-01-01", "rank_code": "01.002", "step": 3, "coefficient": "5.08"}
        ],
        party=[{"admission_date": "2000-05-19"}],
        work_history=[
            {
                "from_date": "2010-01-01",
                "unit_name": "UBND xã",
                "title": "CC",
                "organization": "T01.XA",
            }
        ],
    )
    user = personas["quanly"]
    for on in (AS_OF, today_()):
        report = reports.ministry_report(user=user, unit=orgs["province"], as_of=on)
        for j, column in enumerate(report.flat_columns):
            dims = ("unit",) + ((column.dim,) if column.dim else ())
            b = workforce(user=user, unit=orgs["province"], as_of=on, by=dims)
            for row in report.rows:
                expected = sum(
                    g.count
                    for g in b.groups
                    if g.key["unit"] == row.code
                    and (not column.dim or column.match(g.key[column.dim]))
                )
                assert row.values[j] == expected, (on, row.code, column.title)
        _check_consistent(report)


def today_():
    from hoso.core.dates import today

    return today()
