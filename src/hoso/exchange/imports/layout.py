"""The workbook layout, derived from the dossier's one description (`people.sections`).

One sheet per section in the résumé's order; row 1 the Vietnamese labels, row 2 (hidden) the
field names the importer keys on, data from row 3. Every sheet of a history section starts with
the personal id that ties its rows to a dossier. Dates are written dd/mm/yyyy; yes/no as
"Có"/"Không"; coded fields by catalog code (a Vietnamese catalog name is accepted on import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from hoso.core.dates import vn
from hoso.people.sections import SECTIONS, Section, field_label, section_field

GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 1
KEY_ROW = 2
FIRST_DATA_ROW = 3
# The column tying a row to its dossier (family rows have a `personal_id` of their own).
PERSON_KEY = "dossier_personal_id"
PERSON_LABEL = "Số định danh cá nhân của người có hồ sơ"
YES, NO = "Có", "Không"
# Excel refuses sheet names over 31 characters.
SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # "date", "bool", "int", "decimal", "text"


@dataclass(frozen=True)
class Sheet:
    section: Section
    name: str
    columns: tuple[Column, ...]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


def _kind(section: Section, name: str) -> str:
    internal = section_field(section, name).get_internal_type()
    if internal in ("DateField",):
        return "date"
    if internal in ("BooleanField",):
        return "bool"
    if "Integer" in internal:
        return "int"
    if internal == "DecimalField":
        return "decimal"
    return "text"


def _sheet(section: Section) -> Sheet:
    columns = [
        Column(name, field_label(section, name), _kind(section, name)) for name in section.fields
    ]
    if section.key != "identity":  # identity holds the personal id itself
        columns.insert(0, Column(PERSON_KEY, PERSON_LABEL, "text"))
    return Sheet(section, sheet_name(section.title), tuple(columns))


def sheet_name(title: str) -> str:
    """The section's title, cut at a word when longer than Excel allows."""
    if len(title) <= SHEET_NAME_MAX:
        return title
    return title[: SHEET_NAME_MAX + 1].rsplit(" ", 1)[0].rstrip(",")


def link_key(sheet: Sheet) -> str:
    return "personal_id" if sheet.section.key == "identity" else PERSON_KEY


SHEETS: tuple[Sheet, ...] = tuple(_sheet(s) for s in SECTIONS)
BY_NAME = {s.name: s for s in SHEETS}


def cell_out(kind: str, value: Any) -> Any:
    """A dossier value as the workbook shows it."""
    if value is None or value == "":
        return None
    if kind == "date":
        return vn(date.fromisoformat(str(value)[:10]))
    if kind == "bool":
        return YES if value else NO
    if kind == "int":
        return int(value)
    return str(value)


class BadCell(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _date_in(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise BadCell(
            "bad_date", f"Ngày «{text}» không có thật hoặc không đúng dạng dd/mm/yyyy."
        ) from None


def cell_in(kind: str, value: Any) -> Any:
    """A workbook cell as a dossier value (`BadCell` with the Vietnamese reason)."""
    if isinstance(value, str) and value.startswith("="):
        raise BadCell(
            "formula", "Ô chứa công thức; chỉ nhận giá trị đã nhập, không nhận công thức."
        )
    if kind == "date":
        return _date_in(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip()
        if text in (YES, NO):
            return text == YES
        raise BadCell("bad_choice", f"Giá trị «{text}» không hợp lệ (ghi «{YES}» hoặc «{NO}»).")
    if kind == "int":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise BadCell("bad_number", f"Giá trị «{value}» không phải là số nguyên.") from None
        if number != number.to_integral_value():
            raise BadCell("bad_number", f"Giá trị «{value}» không phải là số nguyên.")
        return int(number)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """The dossier as the workbook holds it — each value as `cell_in(cell_out(value))` would
    give it, empty values and rows left out — so that the same dossier hashes the same from a
    workbook and from JSON lines (numbers as text, "85" and 85 alike). A value the workbook
    could not hold stays as given (the dossier's check says what is wrong with it); keys
    outside the layout are kept, so the hash still covers them."""
    out: dict[str, Any] = {}
    for sheet in SHEETS:
        key = sheet.section.key
        value = data.get(key)
        rows = value if isinstance(value, list) else [value]
        kept = [r for r in (_comparable_row(sheet, row) for row in rows) if r]
        if kept:
            out[key] = kept if sheet.section.many else kept[0]
    for key, value in data.items():
        if key not in _SECTION_KEYS and value not in (None, "", [], {}):
            out[key] = value
    return out


_SECTION_KEYS = frozenset(s.section.key for s in SHEETS)
_KINDS = {s.section.key: {c.key: c.kind for c in s.columns} for s in SHEETS}


def _same_as_cell(kind: str, value: Any) -> Any:
    """`cell_in(kind, cell_out(kind, value))`, the common cases without the round trip."""
    if kind == "text" and isinstance(value, str):
        return value.strip()
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value[:10]).isoformat()
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    return cell_in(kind, cell_out(kind, value))


def _comparable_row(sheet: Sheet, row: Any) -> dict[str, Any]:
    if not isinstance(row, dict):
        return {"": row} if row not in (None, "", [], {}) else {}
    out: dict[str, Any] = {}
    kinds = _KINDS[sheet.section.key]
    for name, value in row.items():
        if value is None or value == "":
            continue
        kind = kinds.get(name)
        if kind is None:
            out[name] = value
            continue
        try:
            out[name] = _same_as_cell(kind, value)
        except (BadCell, ValueError, TypeError):
            out[name] = value
    return out
