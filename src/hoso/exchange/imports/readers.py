"""Reading dossiers out of a workbook or a JSON lines file, with where each value came from.

Both readers yield `Parsed` dossiers (plain data in the dossier JSON shape) carrying the
problems found while reading, each located by file, sheet, row and column so that the report
can point at the cell. A problem with the file itself (wrong type, truncated, too big, a sheet
or header missing or renamed) is a `Parsed` without a personal id: nothing of that file is
imported. JSON lines are read line by line; a workbook with openpyxl's read-only mode.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from hoso.exchange.imports.layout import (
    BY_NAME,
    FIRST_DATA_ROW,
    KEY_ROW,
    PERSON_KEY,
    SHEETS,
    BadCell,
    Sheet,
    cell_in,
    link_key,
)
from hoso.people.validation import CODED_FIELDS, Reference

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Issue:
    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    code: str
    message: str
    personal_id: str = ""


@dataclass
class Parsed:
    file: str
    personal_id: str
    data: dict[str, Any] = field(default_factory=dict)
    # "section.field" / "section[i].field" → (sheet, row, column letter or JSON path)
    origin: dict[str, tuple[str, int | None, str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def max_bytes() -> int:
    """An operational limit of the node, not law (`HOSO_IMPORT_MAX_BYTES`)."""
    return int(settings.HOSO_IMPORT_MAX_BYTES)


def file_refusal(path: Path) -> Parsed | None:
    """Why a file is refused before it is read at all, or None."""
    name = path.name
    if not path.is_file():
        return _file_issue(name, "not_found", "Không tìm thấy tệp.")
    size = path.stat().st_size
    if size > max_bytes():
        return _file_issue(
            name,
            "too_big",
            f"Tệp {_thousands(size)} byte, vượt giới hạn {_thousands(max_bytes())} byte; "
            "hãy chia thành nhiều tệp.",
        )
    if kind_of(path) is None:
        return _file_issue(
            name,
            "wrong_type",
            "Không phải tệp Excel (.xlsx) theo mẫu của hệ thống hay tệp JSON lines (.jsonl).",
        )
    return None


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 1.048.576, as Vietnamese writes it


def kind_of(path: Path) -> str | None:
    """ "xlsx" or "jsonl" from the name and the first bytes; None for anything else."""
    with path.open("rb") as handle:
        head = handle.read(4)
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and head == ZIP_MAGIC:
        return "xlsx"
    if suffix in (".jsonl", ".ndjson") and not head.startswith(ZIP_MAGIC):
        return "jsonl"
    return None


def _file_issue(file: str, code: str, message: str, sheet: str = "", column: str = "") -> Parsed:
    return Parsed(file, "", issues=[Issue(file, sheet, None, column, "", code, message)])


def read(path: Path, ref: Reference) -> Iterator[Parsed]:
    refused = file_refusal(path)
    if refused is not None:
        yield refused
        return
    if kind_of(path) == "jsonl":
        yield from read_jsonl(path)
    else:
        yield from read_xlsx(path, ref)


# --- JSON lines ---------------------------------------------------------------------------------


def read_jsonl(path: Path) -> Iterator[Parsed]:
    name = path.name
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield jsonl_parse(name, number, raw)


def jsonl_lines(path: Path, size: int) -> Iterator[list[tuple[int, bytes]]]:
    """The file's non-empty lines with their numbers, `size` at a time: the chunks of a run,
    parsed by whoever checks them (`jsonl_parse`), so a journaled chunk is not parsed."""
    chunk: list[tuple[int, bytes]] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                chunk.append((number, raw))
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
    if chunk:
        yield chunk


def jsonl_parse(name: str, number: int, raw: bytes) -> Parsed:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        truncated = not raw.endswith(b"\n")
        return Parsed(
            name,
            "",
            issues=[
                Issue(
                    name,
                    "",
                    number,
                    "",
                    raw[:80].decode("utf-8", "replace"),
                    "truncated" if truncated else "bad_json",
                    "Dòng cuối bị cắt cụt: tệp không đầy đủ."
                    if truncated
                    else "Dòng không phải là một hồ sơ JSON hợp lệ.",
                )
            ],
        )
    pid = ""
    if isinstance(data, dict) and isinstance(data.get("identity"), dict):
        pid = str(data["identity"].get("personal_id") or "")
    parsed = Parsed(name, pid, data if isinstance(data, dict) else {})
    if not isinstance(data, dict):
        parsed.issues.append(
            Issue(name, "", number, "", "", "bad_json", "Mỗi dòng phải là một hồ sơ.")
        )
    parsed.origin["*"] = ("", number, "")
    return parsed


# --- Workbooks ----------------------------------------------------------------------------------


def _names_to_codes(ref: Reference) -> dict[str, dict[str, str]]:
    """Per catalog, Vietnamese name (case-folded) → code: a cell may name the value."""
    out: dict[str, dict[str, str]] = {}
    for (catalog, code), name in ref.names.items():
        out.setdefault(catalog, {})[name.casefold()] = code
    return out


def _header_issues(name: str, sheet: Sheet, rows: list[tuple[Any, ...]]) -> list[Issue]:
    keys = [str(v or "") for v in (rows[KEY_ROW - 1] if len(rows) >= KEY_ROW else ())]
    labels = [str(v or "") for v in (rows[0] if rows else ())]
    issues = []
    for index, column in enumerate(sheet.columns):
        letter = get_column_letter(index + 1)
        key = keys[index] if index < len(keys) else ""
        label = labels[index] if index < len(labels) else ""
        if key != column.key or label != column.label:
            issues.append(
                Issue(
                    name,
                    sheet.name,
                    KEY_ROW if key != column.key else 1,
                    letter,
                    key if key != column.key else label,
                    "bad_header",
                    f"Cột {letter} phải là «{column.label}» (mã «{column.key}»); "
                    "không đổi tên, thêm hay bớt cột của mẫu.",
                )
            )
    return issues


def read_xlsx(path: Path, ref: Reference, *, ordered: bool = False) -> Iterator[Parsed]:
    """The workbook's dossiers; `ordered` (every sheet in the first sheet's order of people,
    as `xlsx_scan` found) streams them, otherwise all rows are gathered first."""
    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        code = "truncated" if isinstance(exc, zipfile.BadZipFile | EOFError) else "wrong_type"
        yield _file_issue(
            name,
            code,
            "Tệp Excel bị hỏng hoặc bị cắt cụt, không đọc được."
            if code == "truncated"
            else "Tệp không phải là sổ Excel theo mẫu của hệ thống.",
        )
        return
    try:
        yield from _read_book(name, book, ref, ordered)
    finally:
        book.close()


def _read_book(name: str, book: Any, ref: Reference, ordered: bool) -> Iterator[Parsed]:
    present = set(book.sheetnames)
    missing = [s for s in SHEETS if s.name not in present]
    if missing:
        extra = sorted(present - set(BY_NAME) - {"Hướng dẫn"})
        yield Parsed(
            name,
            "",
            issues=[
                Issue(
                    name,
                    s.name,
                    None,
                    "",
                    ", ".join(extra),
                    "missing_sheet",
                    f"Thiếu trang «{s.name}» của mẫu (không đổi tên hay xóa trang).",
                )
                for s in missing
            ],
        )
        return
    by_code = _names_to_codes(ref)
    streams: list[tuple[Sheet, Iterator[tuple[int, tuple[Any, ...]]]]] = []
    header_issues: list[Issue] = []
    for sheet in SHEETS:
        rows = book[sheet.name].iter_rows(values_only=True)
        head = [next(rows, ()) for _ in range(FIRST_DATA_ROW - 1)]
        header_issues += _header_issues(name, sheet, head)
        streams.append((sheet, _data_rows(rows)))
    if header_issues:
        yield Parsed(name, "", issues=header_issues)
        return
    rows_of = _merged(name, streams, by_code) if ordered else _gathered(name, streams, by_code)
    yield from rows_of


def _data_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        if not all(v in (None, "") for v in values):
            yield number, values


@dataclass
class _Row:
    sheet: Sheet
    number: int
    data: dict[str, Any]
    issues: list[Issue]
    letters: dict[str, str]
    pid: str


def _read_row(name: str, sheet: Sheet, number: int, values: tuple[Any, ...], by_code: Any) -> _Row:
    data, issues, letters = _row(name, sheet, number, values, by_code)
    link = link_key(sheet)
    pid = data.pop(PERSON_KEY, None) or (data.get(link) if link == "personal_id" else "")
    return _Row(sheet, number, data, issues, letters, str(pid or ""))


def _unknown(name: str, row: _Row) -> Parsed:
    return Parsed(
        name,
        "",
        issues=[
            Issue(
                name,
                row.sheet.name,
                row.number,
                "A",
                row.pid,
                "unknown_dossier",
                f"Dòng của số định danh «{row.pid}» không có ở trang thông tin chung.",
            )
        ],
    )


def _attach(name: str, target: Parsed, row: _Row) -> None:
    """A row of a section's sheet into its dossier, with where each value came from."""
    key = row.sheet.section.key
    if row.sheet.section.many:
        rows_of = target.data.setdefault(key, [])
        prefix = f"{key}[{len(rows_of)}]"
        rows_of.append(row.data)
    else:
        if key in target.data:
            row.issues.append(
                Issue(
                    name,
                    row.sheet.name,
                    row.number,
                    "A",
                    row.pid,
                    "duplicate_in_file",
                    f"Số định danh {row.pid} có hai dòng ở trang «{row.sheet.name}».",
                )
            )
        prefix = key
        target.data[key] = row.data
    _located(target, prefix, row)


def _located(target: Parsed, prefix: str, row: _Row) -> None:
    for key, letter in row.letters.items():
        target.origin[f"{prefix}.{key}"] = (row.sheet.name, row.number, letter)
    for issue in row.issues:
        issue.personal_id = target.personal_id
    target.issues += row.issues


def _identity(name: str, row: _Row, current: Parsed | None) -> Parsed | None:
    """A dossier from its identity row, or None when it repeats `current`'s id (said there)."""
    if current is not None and current.personal_id == row.pid:
        row.issues.append(
            Issue(
                name,
                row.sheet.name,
                row.number,
                "A",
                row.pid,
                "duplicate_in_file",
                f"Số định danh {row.pid} xuất hiện hai lần trong tệp.",
            )
        )
        row.letters = {}
        _located(current, "identity", row)
        return None
    parsed = Parsed(name, row.pid, {"identity": row.data})
    _located(parsed, "identity", row)
    return parsed


Streams = list[tuple[Sheet, Iterator[tuple[int, tuple[Any, ...]]]]]


def _merged(name: str, streams: Streams, by_code: Any) -> Iterator[Parsed]:
    """Streaming: every sheet lists its rows in the order of the people of the first sheet
    (as hoso writes them; `xlsx_ordered` checked it), so one pass over all the sheets side
    by side yields each dossier whole, holding one dossier at a time."""
    (identity, people), others = streams[0], streams[1:]
    heads: list[_Row | None] = [None] * len(others)

    def head(index: int) -> _Row | None:
        if heads[index] is None:
            sheet, rows = others[index]
            found = next(rows, None)
            if found is not None:
                heads[index] = _read_row(name, sheet, found[0], found[1], by_code)
        return heads[index]

    def filled(parsed: Parsed) -> Parsed:
        for index in range(len(others)):
            while (row := head(index)) is not None and row.pid == parsed.personal_id:
                heads[index] = None
                _attach(name, parsed, row)
        return parsed

    current: Parsed | None = None
    for number, values in people:
        started = _identity(name, _read_row(name, identity, number, values, by_code), current)
        if started is not None:
            if current is not None:
                yield filled(current)
            current = started
    if current is not None:
        yield filled(current)
    for index in range(len(others)):  # what no person took (not expected once checked)
        while (row := head(index)) is not None:
            heads[index] = None
            yield _unknown(name, row)


def _gathered(name: str, streams: Streams, by_code: Any) -> Iterator[Parsed]:
    """A workbook whose sheets are not in the first sheet's order: every row is read, then
    each is put in its dossier (memory grows with the file)."""
    dossiers: dict[str, Parsed] = {}
    pending = [
        _read_row(name, sheet, number, values, by_code)
        for sheet, rows in streams
        for number, values in rows
    ]
    for row in pending:
        if row.sheet.section.key == "identity":
            current = dossiers.get(row.pid)
            started = _identity(name, row, current)
            if started is not None:
                dossiers[row.pid] = started
        elif (target := dossiers.get(row.pid)) is None:
            yield _unknown(name, row)
        else:
            _attach(name, target, row)
    yield from dossiers.values()


def _row(
    name: str,
    sheet: Sheet,
    number: int,
    values: tuple[Any, ...],
    by_code: dict[str, dict[str, str]],
) -> tuple[dict[str, Any], list[Issue], dict[str, str]]:
    row: dict[str, Any] = {}
    issues: list[Issue] = []
    letters: dict[str, str] = {}
    for index, column in enumerate(sheet.columns):
        value = values[index] if index < len(values) else None
        if value is None or value == "":
            continue
        letter = get_column_letter(index + 1)
        letters[column.key] = letter
        try:
            converted = cell_in(column.kind, value)
        except BadCell as bad:
            issues.append(
                Issue(name, sheet.name, number, letter, str(value), bad.code, bad.message)
            )
            continue
        catalog = CODED_FIELDS.get((sheet.section.key, column.key))
        if catalog and isinstance(converted, str):
            converted = by_code.get(catalog, {}).get(converted.casefold(), converted)
        row[column.key] = converted
    return row, issues, letters


def scan(path: Path) -> tuple[list[str], bool]:
    """The personal ids a file names (in the order of its dossiers), and whether it can be
    read streaming: JSON lines always; a workbook when each sheet lists its rows in the
    order of the people of the first sheet, every one of them named there, none twice apart
    (what hoso writes). Reads only the first column of each sheet."""
    if file_refusal(path) is not None:
        return [], False
    if kind_of(path) == "jsonl":
        ids = []
        with path.open("rb") as handle:
            for raw in handle:
                try:
                    ids.append(str(json.loads(raw)["identity"]["personal_id"]))
                except (ValueError, KeyError, TypeError):
                    continue
        return ids, True
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], False
    try:
        if any(s.name not in book.sheetnames for s in SHEETS):
            return [], False
        ids = [str(v).strip() for v in _first_column(book, SHEETS[0])]
        at: dict[str, int] = {}
        ordered = True
        for index, pid in enumerate(ids):
            if pid in at and ids[index - 1] != pid:
                ordered = False  # the same person twice, apart
            at.setdefault(pid, index)
        for sheet in SHEETS[1:]:
            last = -1
            for value in _first_column(book, sheet):
                place = at.get(str(value).strip(), -1)
                if place < last or place < 0:
                    ordered = False
                    break
                last = place
        return ids, ordered
    finally:
        book.close()


def _first_column(book: Any, sheet: Sheet) -> Iterator[Any]:
    rows = book[sheet.name].iter_rows(min_row=FIRST_DATA_ROW, max_col=1, values_only=True)
    for (value,) in rows:
        if value not in (None, ""):
            yield value
