"""The Ministry's periodic statistical report of the quantity and quality of cadres, civil
servants and public employees, for a unit subtree and a reporting date (R-STATS).

Laid out after Biểu số 01/BNV of Thông tư 11/2012/TT-BNV (the reporting regime seed 003
cites; public employees: Thông tư 07/2019/TT-BNV): one row per unit directly under the chosen
one, a total row, and the column groups of the form — total; of whom women, Party members,
ethnic minorities, with a religion; rank grade; professional qualification; political theory;
state management; age band. Thông tư 18/2025/TT-BNV (chế độ báo cáo thống kê ngành Nội vụ)
is the newer regime: check its form's columns against these before a filing.

Every figure is a workforce count under the reader's counting scope; the ethnicity and
religion columns are left blank ("—") for a reader whose ceiling does not cover them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso.analytics import selectors
from hoso.analytics.selectors import Dimension
from hoso.catalog.selectors import attrs_map
from hoso.core.dates import vn
from hoso.orgs.models import Organization

FORM_NAME = "Biểu số 01/BNV – Báo cáo số lượng, chất lượng cán bộ, công chức, viên chức"
FORM_BASIS = (
    "Mẫu theo Thông tư số 11/2012/TT-BNV ngày 17/12/2012 của Bộ Nội vụ (chế độ báo cáo thống kê "
    "và quản lý hồ sơ công chức) và Thông tư số 07/2019/TT-BNV (viên chức)"
)


@dataclass(frozen=True)
class Column:
    title: str
    dim: str | None  # None: the total
    match: Callable[[Any], bool]


def _is(*values: Any) -> Callable[[Any], bool]:
    return lambda v: v in values


def _grade_class(*classes: str) -> Callable[[Any], bool]:
    groups = attrs_map("pay_group")
    return lambda v: (groups.get(v) or {}).get("class") in classes


def columns() -> list[tuple[str, list[Column]]]:
    """The form's column groups, in its order."""
    return [
        ("Tổng số", [Column("Tổng số", None, lambda v: True)]),
        (
            "Trong đó",
            [
                Column("Nữ", Dimension.SEX, _is("F")),
                Column("Đảng viên", Dimension.PARTY, _is(True)),
                Column("Dân tộc thiểu số", Dimension.ETHNIC_MINORITY, _is(True)),
                Column("Tôn giáo", Dimension.RELIGION, lambda v: v not in ("", "00", None)),
            ],
        ),
        (
            "Ngạch, chức danh nghề nghiệp",
            [
                Column(
                    "Chuyên viên cao cấp và tương đương",
                    Dimension.PAY_GROUP,
                    _grade_class("A3", "CGCC"),
                ),
                Column("Chuyên viên chính và tương đương", Dimension.PAY_GROUP, _grade_class("A2")),
                Column("Chuyên viên và tương đương", Dimension.PAY_GROUP, _grade_class("A1")),
                Column("Cán sự và tương đương", Dimension.PAY_GROUP, _grade_class("A0")),
                Column("Nhân viên", Dimension.PAY_GROUP, _grade_class("B", "C")),
            ],
        ),
        (
            "Trình độ chuyên môn",
            [
                Column("Tiến sĩ", Dimension.QUALIFICATION, _is("doctor", "doctor_of_science")),
                Column("Thạc sĩ", Dimension.QUALIFICATION, _is("master")),
                Column("Đại học", Dimension.QUALIFICATION, _is("bachelor")),
                Column("Cao đẳng", Dimension.QUALIFICATION, _is("college")),
                Column("Trung cấp", Dimension.QUALIFICATION, _is("intermediate")),
                Column(
                    "Sơ cấp, chưa đào tạo", Dimension.QUALIFICATION, _is("elementary", "none", "")
                ),
            ],
        ),
        (
            "Lý luận chính trị",
            [
                Column("Cao cấp, cử nhân", Dimension.POLITICAL_THEORY, _is("advanced", "bachelor")),
                Column("Trung cấp", Dimension.POLITICAL_THEORY, _is("intermediate")),
                Column("Sơ cấp", Dimension.POLITICAL_THEORY, _is("elementary")),
            ],
        ),
        (
            "Quản lý nhà nước",
            [
                Column("Chuyên viên cao cấp", Dimension.STATE_MANAGEMENT, _is("senior_specialist")),
                Column(
                    "Chuyên viên chính", Dimension.STATE_MANAGEMENT, _is("principal_specialist")
                ),
                Column("Chuyên viên", Dimension.STATE_MANAGEMENT, _is("specialist")),
                Column("Cán sự", Dimension.STATE_MANAGEMENT, _is("officer")),
            ],
        ),
        (
            "Độ tuổi",
            [
                Column(label, Dimension.AGE_BAND, _is(code))
                for code, label, _top in selectors.AGE_BANDS
            ],
        ),
    ]


@dataclass(frozen=True)
class ReportRow:
    code: str
    name: str
    values: list[int | None]  # None: a column the reader may not count


@dataclass(frozen=True)
class Report:
    unit: Organization
    as_of: date
    groups: list[tuple[str, list[Column]]]
    rows: list[ReportRow]
    total: ReportRow
    withheld: bool  # some columns are blank for this reader

    @property
    def flat_columns(self) -> list[Column]:
        return [c for _title, cols in self.groups for c in cols]


def ministry_report(*, user: Any, unit: Organization, as_of: date) -> Report:
    """The form for the unit's subtree on `as_of`: one row per unit directly under it (and the
    unit itself when people work there directly), and the total row."""
    groups = columns()
    flat = [c for _t, cols in groups for c in cols]
    allowed = set(selectors.permitted_dimensions(user, unit))
    by_unit = selectors.workforce(user=user, unit=unit, as_of=as_of, by=(Dimension.UNIT,))
    names = {g.key[Dimension.UNIT]: g.labels[Dimension.UNIT] for g in by_unit.groups}
    per_dim: dict[str, dict[tuple[str, Any], int]] = {}
    for dim in {c.dim for c in flat if c.dim and c.dim in allowed}:
        b = selectors.workforce(user=user, unit=unit, as_of=as_of, by=(Dimension.UNIT, dim))
        per_dim[dim] = {(g.key[Dimension.UNIT], g.key[dim]): g.count for g in b.groups}

    def value(code: str | None, column: Column) -> int | None:
        if column.dim is None:
            return sum(g.count for g in by_unit.groups if code in (None, g.key[Dimension.UNIT]))
        if column.dim not in per_dim:
            return None
        return sum(
            n
            for (u, v), n in per_dim[column.dim].items()
            if (code is None or u == code) and column.match(v)
        )

    rows = [
        ReportRow(code, names[code], [value(code, c) for c in flat])
        for code in (g.key[Dimension.UNIT] for g in by_unit.groups)
    ]
    total = ReportRow(unit.code, "Tổng cộng", [value(None, c) for c in flat])
    return Report(unit, as_of, groups, rows, total, withheld=any(v is None for v in total.values))


# --- Files -------------------------------------------------------------------------------------


def title_lines(report: Report) -> list[str]:
    return [
        FORM_NAME,
        f"Đơn vị báo cáo: {report.unit.name}",
        f"Số liệu tính đến ngày {vn(report.as_of)}",
        FORM_BASIS,
    ]


def report_xlsx(report: Report) -> bytes:
    """The form as an Excel workbook: title lines, the two header rows of the column groups,
    one row per unit and the total row (numbers as numbers)."""
    # openpyxl is imported here only: a heavy optional library used by this one download.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Bieu 01"
    for i, line in enumerate(title_lines(report), start=1):
        ws.cell(row=i, column=1, value=line).font = Font(bold=i == 1)
    head = len(title_lines(report)) + 2
    ws.cell(row=head, column=1, value="STT")
    ws.cell(row=head, column=2, value="Đơn vị")
    ws.merge_cells(start_row=head, start_column=1, end_row=head + 1, end_column=1)
    ws.merge_cells(start_row=head, start_column=2, end_row=head + 1, end_column=2)
    col = 3
    for title, cols in report.groups:
        ws.cell(row=head, column=col, value=title)
        if len(cols) > 1:
            ws.merge_cells(
                start_row=head, start_column=col, end_row=head, end_column=col + len(cols) - 1
            )
        for c in cols:
            ws.cell(row=head + 1, column=col, value=c.title)
            col += 1
    for row in ws.iter_rows(min_row=head, max_row=head + 1):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    r = head + 2
    for index, row in enumerate(report.rows, start=1):
        ws.cell(row=r, column=1, value=index)
        ws.cell(row=r, column=2, value=row.name)
        for j, v in enumerate(row.values, start=3):
            ws.cell(row=r, column=j, value="—" if v is None else v)
        r += 1
    ws.cell(row=r, column=2, value=report.total.name).font = Font(bold=True)
    for j, v in enumerate(report.total.values, start=3):
        ws.cell(row=r, column=j, value="—" if v is None else v).font = Font(bold=True)
    if report.withheld:
        ws.cell(
            row=r + 2,
            column=1,
            value=("—: cột thuộc dữ liệu cá nhân nhạy cảm, người lập báo cáo không được giao đọc."),
        )
    ws.column_dimensions["B"].width = 42
    for j in range(3, col):
        ws.column_dimensions[get_column_letter(j)].width = 11
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_pdf(html: str, base_url: str) -> bytes:
    """The printable form (the page's HTML, rendered by WeasyPrint)."""
    # WeasyPrint is imported here only: a heavy optional library used by this one download.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
