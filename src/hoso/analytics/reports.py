"""The Ministry's periodic statistical report of the quantity and quality of cadres, civil
servants and public employees, for a unit subtree and a reporting date (R-STATS).

The form is data: catalog `report_form` (its title and legal basis name the form; each
entry is one column, in the form's order, with the dimension and values it counts). Today
that is Biểu số 01/BNV of Thông tư 11/2012/TT-BNV, which the Ministry still asked for in
Công văn 2114/BNV-CCVC (2022); the catalog's description says what is established about the
newer regime (Thông tư 18/2025/TT-BNV) and what is not. A new form is a catalog change.

One row per unit directly under the chosen one (and the unit itself when people work there
directly) and a total row. Every figure is a workforce count under the reader's counting
scope; the ethnicity and religion columns are left blank ("—") for a reader whose ceiling
does not cover them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso.analytics import selectors
from hoso.analytics.selectors import Dimension
from hoso.catalog.selectors import attrs_map, catalog_get, codes, entries
from hoso.core.dates import vn
from hoso.orgs.models import Organization

FORM_CATALOG = "report_form"


@dataclass(frozen=True)
class Form:
    """The form in force, as its catalog says."""

    name: str
    basis: str
    status: str  # what is established about the form in force, and what is not


def form() -> Form:
    catalog = catalog_get(FORM_CATALOG)
    if catalog is None:
        return Form("Báo cáo số lượng, chất lượng cán bộ, công chức, viên chức", "", "")
    return Form(catalog.title, catalog.legal_basis, catalog.description)


@dataclass(frozen=True)
class Column:
    code: str
    title: str
    dim: str | None  # None: the total
    match: Callable[[Any], bool]
    values: tuple[Any, ...] | None = None  # the dimension's values counted, when a list says it


def _matcher(attrs: dict[str, Any]) -> Callable[[Any], bool]:
    if "pay_classes" in attrs:
        groups = attrs_map("pay_group")
        classes = set(attrs["pay_classes"])
        return lambda v: (groups.get(v) or {}).get("class") in classes
    if "other_than" in attrs:
        excluded = {None, *attrs["other_than"]}
        return lambda v: v not in excluded
    if "values" in attrs:
        wanted = list(attrs["values"])
        return lambda v: v in wanted
    return lambda v: True


def _values(attrs: dict[str, Any]) -> tuple[Any, ...] | None:
    if "pay_classes" in attrs:
        classes = set(attrs["pay_classes"])
        return tuple(c for c, a in attrs_map("pay_group").items() if a.get("class") in classes)
    if "values" in attrs:
        return tuple(attrs["values"])
    catalog = selectors.CATALOGS.get(attrs.get("dimension") or "")
    if "other_than" in attrs and catalog:  # every code of the dimension's catalog but these
        excluded = set(attrs["other_than"])
        return tuple(sorted(c for c in codes(catalog) if c not in excluded))
    return None  # `other_than` of a dimension without a catalog: counted from its groups


def columns(on: date | None = None) -> list[tuple[str, list[Column]]]:
    """The form's column groups in force on `on` (all when None), in its order (catalog
    `report_form`: a new form's columns start at its validity, the old ones end before)."""
    groups: dict[str, list[Column]] = {}
    for entry in entries(FORM_CATALOG, on=on):
        attrs = dict(entry.attrs)
        dim = attrs.get("dimension") or None
        if dim is not None and dim not in selectors.LABELS:
            raise ValueError(f"report_form {entry.code}: unknown dimension {dim!r}")
        column = Column(entry.code, entry.name, dim, _matcher(attrs), _values(attrs))
        groups.setdefault(attrs.get("group") or entry.name, []).append(column)
    return list(groups.items())


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
    unit itself when people work there directly), and the total row.

    Every column whose values the catalog lists is one conditional count of a single grouped
    query (`selectors.counts_by_unit`); a column counted by exclusion over a dimension
    without a catalog is summed from the groups of `workforce` by unit and its dimension."""
    groups = columns(as_of)
    flat = [c for _t, cols in groups for c in cols]
    allowed = set(selectors.permitted_dimensions(user, unit))
    counted = [c for c in flat if c.dim is None or c.dim in allowed]
    in_sql = {c.code: (c.dim, c.values) for c in counted if c.dim is None or c.values is not None}
    in_sql.setdefault("_total", (None, None))
    figures = selectors.counts_by_unit(user=user, unit=unit, as_of=as_of, columns=in_sql)
    for dim in {c.dim for c in counted if c.code not in in_sql and c.dim}:
        b = selectors.workforce(user=user, unit=unit, as_of=as_of, by=(Dimension.UNIT, dim))
        for c in (c for c in counted if c.dim == dim and c.code not in in_sql):
            for g in b.groups:
                if c.match(g.key[dim]):
                    row = figures.setdefault(g.key[Dimension.UNIT], {})
                    row[c.code] = row.get(c.code, 0) + g.count
    units = [code for code, row in figures.items() if row.get("_total")]
    labels = selectors.unit_labels(unit, units)
    units.sort(key=lambda code: labels[code][0])

    def value(code: str | None, column: Column) -> int | None:
        if column.dim is not None and column.dim not in allowed:
            return None
        if code is not None:
            return figures.get(code, {}).get(column.code, 0)
        return sum(figures[u].get(column.code, 0) for u in units)

    rows = [ReportRow(code, labels[code][1], [value(code, c) for c in flat]) for code in units]
    total = ReportRow(unit.code, "Tổng cộng", [value(None, c) for c in flat])
    return Report(unit, as_of, groups, rows, total, withheld=any(v is None for v in total.values))


# --- Files -------------------------------------------------------------------------------------


def title_lines(report: Report) -> list[str]:
    current = form()
    return [
        current.name,
        f"Đơn vị báo cáo: {report.unit.name}",
        f"Số liệu tính đến ngày {vn(report.as_of)}",
        f"Căn cứ: {current.basis}",
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
    notes = [form().status]
    if report.withheld:
        notes.insert(
            0, "—: cột thuộc dữ liệu cá nhân nhạy cảm, người lập báo cáo không được giao đọc."
        )
    for k, note in enumerate(n for n in notes if n):
        ws.cell(row=r + 2 + k, column=1, value=note)
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
