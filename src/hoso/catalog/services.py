"""Loading catalogs: the only writer of catalog tables.

A file is validated whole before anything is written, and loaded in one transaction, so a bad
file changes nothing. Loading the same file twice changes nothing either. An entry whose
content changed gets a new dated version when the file's `valid_from` is later than the
stored one (the old version is closed the day before); with the same `valid_from` it is a
correction in place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import vietnam_provinces
from django.db import transaction

from hoso.catalog.models import Catalog, CatalogEntry
from hoso.catalog.selectors import clear_cache
from hoso.core.errors import Problem, ValidationFailed
from hoso.core.text import normalize

REQUIRED_FILE_KEYS = ("catalog", "title", "legal_basis", "entries")


@dataclass
class LoadReport:
    catalog: str
    created: int = 0
    updated: int = 0
    versioned: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.catalog}: {self.created} mới, {self.versioned} phiên bản mới, "
            f"{self.updated} sửa, {self.unchanged} không đổi"
        )


def builtin_files() -> list[Path]:
    folder = resources.files("hoso.catalog") / "data"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json"))


def _parse_date(value: Any, where: str, problems: list[Problem]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem("bad_date", f"{where}: ngày «{value}» không đúng dạng YYYY-MM-DD."))
        return None


CatalogCheck = Callable[[Any, str], list[Problem]]
# Checks an app adds for the catalogs its own code reads (the calendar: overrides and deadline
# rules), registered from its AppConfig.ready() so that catalog imports none of those apps.
_checks: list[CatalogCheck] = []


def catalog_check_register(check: CatalogCheck) -> None:
    """Run `check(doc, source)` on every catalog document validated from now on."""
    if check not in _checks:
        _checks.append(check)


def validate_document(doc: Any, source: str) -> list[Problem]:
    """Every problem of a catalog document, or an empty list."""
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        return [Problem("bad_format", f"{source}: tệp phải là một đối tượng JSON.")]
    for key in REQUIRED_FILE_KEYS:
        if not doc.get(key):
            problems.append(Problem("missing_key", f"{source}: thiếu khóa «{key}».", key))
    entries = doc.get("entries") or []
    if not isinstance(entries, list):
        return problems + [Problem("bad_format", f"{source}: «entries» phải là một danh sách.")]
    file_from = _parse_date(doc.get("valid_from"), source, problems)
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"{source} mục {index}"
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            problems.append(Problem("bad_entry", f"{where}: cần có «code» và «name»."))
            continue
        code = str(entry["code"])
        if code in seen:
            problems.append(Problem("duplicate_code", f"{where}: mã «{code}» bị lặp.", code))
        seen.add(code)
        start = _parse_date(entry.get("valid_from"), where, problems) or file_from
        end = _parse_date(entry.get("valid_to"), where, problems)
        if start and end and end < start:
            problems.append(
                Problem("period_reversed", f"{where}: ngày hết hiệu lực trước ngày có hiệu lực.")
            )
        if "attrs" in entry and not isinstance(entry["attrs"], dict):
            problems.append(Problem("bad_attrs", f"{where}: «attrs» phải là một đối tượng."))
    # Calendar data is checked by its engine at load time, not when every deadline fails.
    for check in _checks:
        problems += check(doc, source)
    parent_catalog = doc.get("parent_catalog")
    if not parent_catalog:
        for index, entry in enumerate(entries, start=1):
            parent = isinstance(entry, dict) and entry.get("parent")
            if parent and str(parent) not in seen:
                problems.append(
                    Problem("unknown_parent", f"{source} mục {index}: mã cha «{parent}» không có.")
                )
    return problems


def catalog_load_document(*, doc: dict[str, Any], source: str, digest: str = "") -> LoadReport:
    problems = validate_document(doc, source)
    if problems:
        raise ValidationFailed(problems, f"Danh mục {source} không hợp lệ; không nạp gì.")
    with transaction.atomic():
        return _load(doc, digest)


def catalog_load_files(*, paths: list[Path]) -> list[LoadReport]:
    """Load several files atomically: all of them, or none if any is invalid."""
    documents: list[tuple[dict[str, Any], str, str]] = []
    problems: list[Problem] = []
    for path in paths:
        raw = path.read_bytes()
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem("bad_json", f"{path.name}: không đọc được JSON ({exc})."))
            continue
        problems += validate_document(doc, path.name)
        documents.append((doc, path.name, hashlib.sha256(raw).hexdigest()))
    if problems:
        raise ValidationFailed(problems, "Có tệp danh mục không hợp lệ; không nạp tệp nào.")
    with transaction.atomic():
        return [_load(doc, digest) for doc, _source, digest in documents]


def _load(doc: dict[str, Any], digest: str) -> LoadReport:
    name = doc["catalog"]
    catalog, _ = Catalog.objects.update_or_create(
        name=name,
        defaults={
            "title": doc["title"],
            "description": doc.get("description", ""),
            "legal_basis": doc["legal_basis"],
            "source_sha256": digest,
        },
    )
    report = LoadReport(catalog=name)
    file_from = doc.get("valid_from")
    existing: dict[str, list[CatalogEntry]] = {}
    for row in CatalogEntry.objects.filter(catalog=catalog).order_by("valid_from"):
        existing.setdefault(row.code, []).append(row)
    for order, entry in enumerate(doc["entries"]):
        values = {
            "name": entry["name"],
            "name_norm": normalize(entry["name"]),
            "parent_code": str(entry.get("parent") or ""),
            "sort_order": order,
            "valid_to": _iso(entry.get("valid_to")),
            "legal_basis": entry.get("legal_basis") or doc["legal_basis"],
            "attrs": entry.get("attrs") or {},
        }
        start = _iso(entry.get("valid_from") or file_from)
        versions = existing.get(str(entry["code"]), [])
        current = versions[-1] if versions else None
        if current is None:
            CatalogEntry.objects.create(
                catalog=catalog, code=str(entry["code"]), valid_from=start, **values
            )
            report.created += 1
        elif (
            all(getattr(current, k) == v for k, v in values.items()) and current.valid_from == start
        ):
            report.unchanged += 1
        elif start and current.valid_from and start > current.valid_from:
            current.valid_to = start - timedelta(days=1)
            current.save(update_fields=["valid_to"])
            CatalogEntry.objects.create(
                catalog=catalog, code=str(entry["code"]), valid_from=start, **values
            )
            report.versioned += 1
        else:
            for key, value in values.items():
                setattr(current, key, value)
            current.valid_from = start
            current.save()
            report.updated += 1
    return report


def _iso(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def admin_unit_documents() -> list[dict[str, Any]]:
    """The 34 provinces and 3,321 communes in force since 1/7/2025, from `vietnam-provinces`."""
    nested = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    basis = (
        "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh; "
        "Quyết định 19/2025/QĐ-TTg về bảng danh mục và mã số đơn vị hành chính "
        f"(dữ liệu vietnam-provinces {vietnam_provinces.__data_version__})"
    )
    provinces, communes = [], []
    for province in nested:
        code = f"{province['code']:02d}"
        provinces.append(
            {
                "code": code,
                "name": province["name"],
                "attrs": {"kind": province.get("division_type", "")},
            }
        )
        for ward in province.get("wards", []):
            communes.append(
                {
                    "code": f"{ward['code']:05d}",
                    "name": ward["name"],
                    "parent": code,
                    "attrs": {"kind": ward.get("division_type", "")},
                }
            )
    common = {"legal_basis": basis, "valid_from": "2025-07-01"}
    return [
        {
            "catalog": "province",
            "title": "Tỉnh, thành phố (từ 01/07/2025)",
            **common,
            "entries": provinces,
        },
        {
            "catalog": "commune",
            "title": "Xã, phường, đặc khu (từ 01/07/2025)",
            **common,
            "parent_catalog": "province",
            "entries": communes,
        },
    ]


def catalog_load_builtin() -> list[LoadReport]:
    """Every catalog shipped with hoso, in one transaction."""
    reports = catalog_load_files(paths=builtin_files())
    with transaction.atomic():
        for doc in admin_unit_documents():
            reports.append(catalog_load_document(doc=doc, source=doc["catalog"]))
    clear_cache()
    return reports
