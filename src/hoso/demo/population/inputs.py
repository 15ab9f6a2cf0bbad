"""What the generator is given: catalog entries, units, the tuning data of `demo/data/`, and
what the node already holds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from hoso.core.errors import DomainError, Problem

# Catalogs the generator draws codes and attributes from.
CATALOGS = tuple(
    [
        "award_form",
        "blood_group",
        "commune",
        "decision_type",
        "discipline_form",
        "ethnicity",
        "evaluation_grade",
        "family_relation",
        "foreign_language",
        "foreign_language_level",
        "general_education",
        "it_level",
        "military_rank",
        "pay_group",
        "policy_family",
        "political_theory",
        "position",
        "province",
        "province_old",
        "qualification",
        "rank",
        "religion",
        "socio_political_org",
        "staff_category",
        "state_management",
        "training_kind",
        "training_mode",
    ]
)

_SERIAL_SPACE = 1_000_000

_SERIAL_STRIDE = 7_919  # coprime with 10**6: k → serial is a bijection, serials look random

# Units are grouped into a fixed number of shards; what depends on the people generated before
# (headcounts, leadership posts, personal-id serials) is counted per unit or per shard, so a
# parallel seed (one worker per group of shards) gives the same people whatever its --jobs.
SHARDS = 16


@dataclass(frozen=True)
class Entry:
    """A catalog entry as the generator needs it (all versions are kept, with their dates)."""

    code: str
    name: str
    attrs: Mapping[str, Any]
    parent: str = ""
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


Catalogs = Mapping[str, Sequence[Entry]]


@dataclass(frozen=True)
class UnitInfo:
    """A unit people can be placed in, with what the generator needs to know about it."""

    code: str
    name: str
    kind: str
    managing_agency: str
    province_code: str  # current (2025) province the unit sits in
    full_name: str  # as written in a work history today
    valid_from: date
    # Work-history text of a unit of the same agency ("{name}"): today, and before `valid_from`
    # ("{old}" is the name of the old province, before the 2025 merger).
    current_name: str = "{name}"
    former_name: str = "{name}"
    weight: float = 1.0
    field: str = "admin"  # admin, finance, law, inspection, education[_…], health
    leadership: str = ""  # key of the leadership profile in synthetic.json
    categories: tuple[tuple[str, float], ...] = ()
    job_positions: tuple[tuple[str, str, str], ...] = ()  # (code, staff_category, rank_code)
    issuer_abbr: str = "UBND"
    issuer_name: str = ""
    issuer_former: str = ""  # the managing agency before `valid_from` ("{old}" as above)
    root_name: str = ""  # the province's committee or the ministry: higher awards, ranks
    root_former: str = ""
    siblings: tuple[str, ...] = ()  # names of other units under the same agency (transfers)
    email_domain: str = "gov.vn"
    provincial: bool = False  # under a province's committee (its standing committee's cadres)


def _read_json(name: str) -> dict[str, Any]:
    return json.loads((resources.files("hoso.demo") / "data" / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def parameters() -> dict[str, Any]:
    """The tuning shares and text pools of `demo/data/synthetic.json` (read once per process)."""
    return _read_json("synthetic.json")


@dataclass(frozen=True)
class Present:
    """What the node already holds, so a second run continues the first instead of repeating
    it: people per unit and leadership posts per (unit, position)."""

    headcount: Mapping[str, int] = field(default_factory=dict)
    posts: Mapping[tuple[str, str], int] = field(default_factory=dict)


NO_UNITS = "Chưa có cơ quan, đơn vị nào: tạo cây tổ chức trước (hoặc chạy «hoso demo»)."


def require_catalogs(catalogs: Catalogs) -> None:
    """Refuse to start, naming what is missing, rather than fail on the first person."""
    missing = [name for name in CATALOGS if not catalogs.get(name)]
    if missing:
        shown = ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        raise DomainError(
            "missing_catalogs",
            f"Chưa nạp danh mục dùng chung (thiếu {len(missing)}: {shown}): "
            "chạy «hoso catalog load».",
            [Problem("missing_catalog", f"Thiếu danh mục «{name}».", name) for name in missing],
        )
