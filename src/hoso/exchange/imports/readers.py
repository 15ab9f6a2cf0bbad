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


def read_xlsx(path: Path, ref: Reference) -> Iterator[Parsed]:
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
        yield from _read_book(name, book, ref)
    finally:
        book.close()


def _read_book(name: str, book: Any, ref: Reference) -> Iterator[Parsed]:
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
    dossiers: dict[str, Parsed] = {}
    pending: list[tuple[Sheet, int, dict[str, Any], list[Issue], dict[str, str]]] = []
    header_issues: list[Issue] = []
    for sheet in SHEETS:
        rows = book[sheet.name].iter_rows(values_only=True)
        head = [next(rows, ()) for _ in range(FIRST_DATA_ROW - 1)]
        header_issues += _header_issues(name, sheet, head)
        if header_issues:
            continue
        for number, values in enumerate(rows, start=FIRST_DATA_ROW):
            if all(v in (None, "") for v in values):
                continue
            row, issues, letters = _row(name, sheet, number, values, by_code)
            pending.append((sheet, number, row, issues, letters))
    if header_issues:
        yield Parsed(name, "", issues=header_issues)
        return
    for sheet, number, row, issues, letters in pending:
        link = link_key(sheet)
        pid = str(
            row.pop(PERSON_KEY, None) or (row.get(link) if link == "personal_id" else "") or ""
        )
        if sheet.section.key == "identity":
            if pid in dossiers:
                issues.append(
                    Issue(
                        name,
                        sheet.name,
                        number,
                        "A",
                        pid,
                        "duplicate_in_file",
                        f"Số định danh {pid} xuất hiện hai lần trong tệp.",
                    )
                )
                dossiers[pid].issues += issues
                continue
            dossiers[pid] = Parsed(name, pid, {"identity": row})
            target = dossiers[pid]
            prefix = "identity"
        else:
            target = dossiers.get(pid)
            if target is None:
                yield Parsed(
                    name,
                    "",
                    issues=[
                        Issue(
                            name,
                            sheet.name,
                            number,
                            "A",
                            pid,
                            "unknown_dossier",
                            f"Dòng của số định danh «{pid}» không có ở trang thông tin chung.",
                        )
                    ],
                )
                continue
            key = sheet.section.key
            if sheet.section.many:
                rows_of = target.data.setdefault(key, [])
                prefix = f"{key}[{len(rows_of)}]"
                rows_of.append(row)
            else:
                if key in target.data:
                    issues.append(
                        Issue(
                            name,
                            sheet.name,
                            number,
                            "A",
                            pid,
                            "duplicate_in_file",
                            f"Số định danh {pid} có hai dòng ở trang «{sheet.name}».",
                        )
                    )
                prefix = key
                target.data[key] = row
        for key, letter in letters.items():
            target.origin[f"{prefix}.{key}"] = (sheet.name, number, letter)
        for issue in issues:
            issue.personal_id = pid
        target.issues += issues
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


def personal_ids(path: Path) -> Iterator[str]:
    """The personal ids a file names, read cheaply (duplicates across files are found first)."""
    if file_refusal(path) is not None:
        return
    if kind_of(path) == "jsonl":
        with path.open("rb") as handle:
            for raw in handle:
                try:
                    data = json.loads(raw)
                    yield str(data["identity"]["personal_id"])
                except (ValueError, KeyError, TypeError):
                    continue
        return
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return
    try:
        identity = SHEETS[0]
        if identity.name not in book.sheetnames:
            return
        rows = book[identity.name].iter_rows(min_row=FIRST_DATA_ROW, max_col=1, values_only=True)
        for (value,) in rows:
            if value not in (None, ""):
                yield str(value).strip()
    finally:
        book.close()
