"""Writing hoso's workbook: the empty template, or dossiers in the same layout (export).

openpyxl's write-only mode streams rows to disk. Every cell is written as text or a number,
never as a formula: a value starting with "=" is prefixed with "'" as exports do.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from hoso.exchange.imports.layout import (
    GUIDE_SHEET,
    KEY_ROW,
    NO,
    PERSON_KEY,
    SHEETS,
    YES,
    cell_out,
)

GUIDE = (
    "Mẫu nhập hồ sơ điện tử cán bộ, công chức, viên chức của hệ thống hoso.",
    "Mỗi trang là một mục của hồ sơ theo thứ tự Mẫu 2C-BNV/2008; dòng 1 là tên cột, dòng 2 "
    "(ẩn) là mã cột mà hệ thống dùng để đọc: không đổi tên, thêm hay bớt trang, cột.",
    "Dữ liệu bắt đầu từ dòng 3. Trang «Thông tin chung» có một dòng cho mỗi người; các trang "
    "khác nối với người đó bằng cột đầu tiên «Số định danh cá nhân của người có hồ sơ».",
    "Ngày ghi theo dạng dd/mm/yyyy (ví dụ 14/03/1985). Có/không ghi «"
    + YES
    + "» hoặc «"
    + NO
    + "».",
    "Giá trị theo danh mục ghi bằng mã hoặc bằng tên tiếng Việt đúng như trong danh mục.",
    "Không nhập công thức: ô có công thức bị từ chối.",
    "Kiểm tra trước bằng: hoso import TỆP --dry-run --report bao-cao.xlsx --as TÀI_KHOẢN",
    "Hồ sơ có lỗi không được nhập phần nào; các hồ sơ khác vẫn được nhập thành đề xuất thay "
    "đổi, chờ cán bộ quản lý hồ sơ phê duyệt cả đợt bằng một chữ ký số.",
)


def _text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        return "'" + value
    return value


def workbook_write(path: Path, dossiers: Iterable[dict[str, Any]] = ()) -> int:
    """Write the template with `dossiers` (plain data) filled in; returns how many."""
    book = Workbook(write_only=True)
    sheets = {}
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.label)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        ws.row_dimensions[KEY_ROW].hidden = True
        ws.append([column.key for column in sheet.columns])
        ws.freeze_panes = "A3"
        sheets[sheet.section.key] = (sheet, ws)
    count = 0
    for data in dossiers:
        count += 1
        pid = (data.get("identity") or {}).get("personal_id")
        for key, (sheet, ws) in sheets.items():
            value = data.get(key)
            rows = value if isinstance(value, list) else ([value] if value else [])
            for row in rows:
                ws.append(
                    [
                        pid
                        if column.key == PERSON_KEY
                        else _text(cell_out(column.kind, (row or {}).get(column.key)))
                        for column in sheet.columns
                    ]
                )
    guide = book.create_sheet(GUIDE_SHEET)
    for line in GUIDE:
        guide.append([line])
    book.save(path)
    return count
