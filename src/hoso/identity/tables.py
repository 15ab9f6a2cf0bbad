"""The cited code tables behind the personal identification number, loaded once from package data.

The province codes and the century/sex digit come from law (TT 07/2016/TT-BCA, NĐ 137/2015/NĐ-CP
art. 7), so they live in ``data/birth_registration_codes.json`` with their legal basis and dates: a
new circular is a data change, not a code change (DOMAIN.md, "Every number with a legal source is
data"). The file is checked on load so a broken package fails loudly instead of mis-decoding ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

DATA_FILE = "birth_registration_codes.json"
SEXES = ("M", "F")
_PROVINCE_CODE = re.compile(r"[0-9]{3}")


class IdentityDataError(RuntimeError):
    """The shipped code table is malformed: a packaging bug, never a user error."""


@dataclass(frozen=True)
class CenturySexDigit:
    """Meaning of one value of the 4th digit: the century of birth and the sex."""

    digit: str
    century: int
    sex: str


@dataclass(frozen=True)
class IdentityTables:
    """Read-only view of the data file, with the header kept for citation in docs and pages."""

    legal_basis: str
    valid_from: date
    provinces: Mapping[str, str]
    century_sex_legal_basis: str
    century_sex_digits: Mapping[str, CenturySexDigit]

    def digit_for(self, century: int, sex: str) -> str | None:
        """Return the 4th digit encoding ``century`` and ``sex``, or None if the table has none."""
        for entry in self.century_sex_digits.values():
            if entry.century == century and entry.sex == sex:
                return entry.digit
        return None


@cache
def tables() -> IdentityTables:
    """Load and check the data file once per process."""
    raw = resources.files("hoso.identity").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return _parse(json.loads(raw))


def _parse(document: dict[str, Any]) -> IdentityTables:
    century_sex = document["century_sex_digit"]
    return IdentityTables(
        legal_basis=_required_text(document, "legal_basis"),
        valid_from=date.fromisoformat(document["valid_from"]),
        provinces=MappingProxyType(_parse_provinces(document["provinces"])),
        century_sex_legal_basis=_required_text(century_sex, "legal_basis"),
        century_sex_digits=MappingProxyType(_parse_digits(century_sex["digits"])),
    )


def _required_text(section: Mapping[str, Any], key: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise IdentityDataError(f"{DATA_FILE}: '{key}' must be a non-empty string")
    return value


def _parse_provinces(rows: list[dict[str, str]]) -> dict[str, str]:
    provinces: dict[str, str] = {}
    for row in rows:
        code, name = row["code"], row["name"]
        if not _PROVINCE_CODE.fullmatch(code) or not name.strip():
            raise IdentityDataError(f"{DATA_FILE}: bad province row {row!r}")
        if code in provinces:
            raise IdentityDataError(f"{DATA_FILE}: duplicate province code {code}")
        provinces[code] = name
    return provinces


def _parse_digits(rows: list[dict[str, Any]]) -> dict[str, CenturySexDigit]:
    digits: dict[str, CenturySexDigit] = {}
    for row in rows:
        entry = CenturySexDigit(digit=row["digit"], century=row["century"], sex=row["sex"])
        if entry.digit not in "0123456789" or len(entry.digit) != 1 or entry.sex not in SEXES:
            raise IdentityDataError(f"{DATA_FILE}: bad century/sex row {row!r}")
        if not isinstance(entry.century, int) or entry.century % 100:
            raise IdentityDataError(f"{DATA_FILE}: century must be a whole century in {row!r}")
        if entry.digit in digits:
            raise IdentityDataError(f"{DATA_FILE}: duplicate century/sex digit {entry.digit}")
        digits[entry.digit] = entry
    if sorted(digits) != list("0123456789"):
        raise IdentityDataError(f"{DATA_FILE}: the century/sex table must cover digits 0-9")
    if len({(entry.century, entry.sex) for entry in digits.values()}) != len(digits):
        raise IdentityDataError(f"{DATA_FILE}: two digits encode the same century and sex")
    return digits
