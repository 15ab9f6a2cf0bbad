"""The report of a run: one line per problem (file, sheet, row, column, value, Vietnamese
message), as CSV (UTF-8 with BOM, for spreadsheets) or as a workbook, by the file's suffix."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from hoso.exchange.imports.readers import Issue

COLUMNS = ("Tệp", "Trang", "Dòng", "Cột", "Giá trị", "Số định danh", "Mã lỗi", "Nội dung")


def _line(issue: Issue) -> list[str]:
    value = issue.value
    if value.startswith(("=", "+", "-", "@")):  # shown, never run, by a spreadsheet
        value = "'" + value
    return [
        issue.file,
        issue.sheet,
        "" if issue.row is None else str(issue.row),
        issue.column,
        value,
        issue.personal_id,
        issue.code,
        issue.message,
    ]


def report_write(path: Path, issues: Iterable[Issue]) -> None:
    if path.suffix.lower() == ".xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Báo cáo kiểm tra")
        sheet.append(list(COLUMNS))
        for issue in issues:
            sheet.append(_line(issue))
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for issue in issues:
            writer.writerow(_line(issue))
