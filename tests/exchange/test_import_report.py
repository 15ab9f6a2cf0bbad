"""The dry run on bad input: every problem of the issue's list is named in Vietnamese at its
file, sheet, row and column in the report, the dossier carrying it would import nothing, and
nothing at all is written by a dry run."""

from __future__ import annotations

import csv

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from tests.exchange.import_helpers import jsonl_write, xlsx_write

from conftest import dossier
from hoso.changes.models import ChangeSet
from hoso.exchange.imports.layout import BY_NAME, SHEETS
from hoso.exchange.imports.report import COLUMNS, report_write
from hoso.exchange.imports.services import import_run
from hoso.exchange.models import ImportBatch

IDENTITY = SHEETS[0].name
TRAINING = next(s.name for s in SHEETS if s.section.key == "training")
EMPLOYMENT = next(s.name for s in SHEETS if s.section.key == "employment")


def column_of(sheet: str, key: str) -> int:
    return BY_NAME[sheet].keys.index(key) + 1


def letter(sheet: str, key: str) -> str:
    return get_column_letter(column_of(sheet, key))


def test_every_kind_of_bad_input_is_reported_where_it_is(
    personas, make_dossier, tmp_path, settings
):
    managed = make_dossier(full_name="Đã Có Hồ Sơ")
    people = [dossier(full_name=f"Người {i}") for i in range(8)]
    pid = people[2]["identity"]["personal_id"]
    people[2]["identity"]["personal_id"] = pid[:3] + "9" + pid[4:]  # century/sex digit wrong
    existing = dossier(full_name="Đã Có Hồ Sơ")
    existing["identity"]["personal_id"] = managed.personal_id
    # dossier 7 is in the file twice (rows 10 and 11 of the single-row sheets)
    path = xlsx_write(tmp_path / "loi.xlsx", [*people, people[7], existing])
    book = load_workbook(path)
    ident, training, employment = book[IDENTITY], book[TRAINING], book[EMPLOYMENT]
    # row 3 + i is dossier i on the single-row sheets (identity, employment); training: one each
    ident.cell(3, column_of(IDENTITY, "birth_date"), "31/02/2020")  # no such day
    training.cell(4, column_of(TRAINING, "from_date"), "2020-13-01")  # not dd/mm/yyyy
    ident.cell(6, column_of(IDENTITY, "ethnicity"), "Dân tộc không có")  # unknown catalog value
    employment.cell(7, column_of(EMPLOYMENT, "current_unit"), "X99")  # unknown unit
    training.cell(8, column_of(TRAINING, "from_date"), "01/09/2010")  # after its to_date 2007
    ident.cell(9, column_of(IDENTITY, "phone"), "=1+1")  # a formula
    book.save(path)
    good = jsonl_write(tmp_path / "tot.jsonl", [dossier(full_name="Hồ Sơ Tốt")])

    outcome = import_run(acting_user=personas["nhaplieu"], paths=[path, good], dry_run=True)

    found = {(i.code, i.sheet, i.row, i.column) for i in outcome.issues}
    assert ("bad_date", IDENTITY, 3, letter(IDENTITY, "birth_date")) in found
    assert ("bad_date", TRAINING, 4, letter(TRAINING, "from_date")) in found
    assert any(c.startswith("personal_id_") and s == IDENTITY and r == 5 for c, s, r, _ in found)
    assert ("unknown_code", IDENTITY, 6, letter(IDENTITY, "ethnicity")) in found
    assert any(c == "unknown_unit" or (s == EMPLOYMENT and r == 7) for c, s, r, _ in found)
    assert any(s == TRAINING and r == 8 for c, s, r, _ in found)
    assert any(c == "duplicate_in_file" and s == IDENTITY and r == 11 for c, s, r, _ in found)
    assert ("formula", IDENTITY, 9, letter(IDENTITY, "phone")) in found
    assert any(c == "already_managed" and r == 12 for c, s, r, _ in found)
    assert all(i.message and i.file for i in outcome.issues)
    # 9 bad dossiers in the workbook (dossier 7 and its copy are one), the good one passes
    assert (outcome.read, outcome.failed, outcome.imported) == (10, 9, 0), sorted(found, key=str)
    assert not ChangeSet.objects.exists() and not ImportBatch.objects.exists()  # dry run

    report = tmp_path / "bao-cao.csv"
    report_write(report, outcome.issues)
    with report.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert ["loi.xlsx", IDENTITY, "9", letter(IDENTITY, "phone"), "'=1+1"] == rows[
        next(i for i, r in enumerate(rows) if r[6] == "formula")
    ][:5]
    as_xlsx = tmp_path / "bao-cao.xlsx"
    report_write(as_xlsx, outcome.issues)
    assert load_workbook(as_xlsx).active.max_row == len(outcome.issues) + 1


def test_files_that_are_not_the_template_are_refused_whole(personas, tmp_path, settings):
    good = xlsx_write(tmp_path / "mau.xlsx", [dossier()])
    text = tmp_path / "ghi-chu.xlsx"
    text.write_text("không phải Excel", encoding="utf-8")
    pdf = tmp_path / "ho-so.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    missing = tmp_path / "thieu-trang.xlsx"
    book = load_workbook(good)
    del book[TRAINING]
    book.save(missing)
    renamed = tmp_path / "doi-ten-cot.xlsx"
    book = load_workbook(good)
    book[IDENTITY]["B1"] = "Tên"
    book.save(renamed)
    cut_jsonl = tmp_path / "cut.jsonl"
    cut_jsonl.write_text('{"identity": {"personal_id": "0011', encoding="utf-8")

    outcome = import_run(
        acting_user=personas["nhaplieu"],
        paths=[text, pdf, truncated, missing, renamed, cut_jsonl],
        dry_run=True,
    )
    codes = {(i.file, i.code) for i in outcome.issues}
    assert ("ghi-chu.xlsx", "wrong_type") in codes
    assert ("ho-so.pdf", "wrong_type") in codes
    assert ("cut.xlsx", "truncated") in codes
    assert ("thieu-trang.xlsx", "missing_sheet") in codes
    assert ("doi-ten-cot.xlsx", "bad_header") in codes
    assert ("cut.jsonl", "truncated") in codes
    assert outcome.read == 0

    settings.HOSO_IMPORT_MAX_BYTES = 1000
    big = import_run(acting_user=personas["nhaplieu"], paths=[good], dry_run=True)
    assert [i.code for i in big.issues] == ["too_big"]
    assert "vượt giới hạn" in big.issues[0].message
