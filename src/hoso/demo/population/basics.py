"""Small pure helpers of the generator: weighted choice, month arithmetic, agency initials,
retirement month, and a person's scratch pad."""

from __future__ import annotations

from bisect import bisect
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import accumulate
from typing import Any


class _Pick:
    """Weighted choice by bisecting cumulative weights: one `random()` per draw."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        pairs = [(item, float(w)) for item, w in pairs if w and w > 0]
        if not pairs:
            raise ValueError("no weighted items")
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def __call__(self, u: float) -> Any:
        return self.items[bisect(self.cum, u * self.total)]


def unit_shards(units: Sequence[Any], shards: int) -> dict[str, int]:
    """unit code → shard: the heaviest units first, each into the lightest shard so far, so the
    shards (and the workers that own them) get similar shares of the people."""
    loads = [0.0] * shards
    out: dict[str, int] = {}
    for unit in sorted(units, key=lambda u: (-u.weight, u.code)):
        shard = min(range(shards), key=lambda s: (loads[s], s))
        loads[shard] += unit.weight
        out[unit.code] = shard
    return out


def _d(mi: int, day: int) -> date:
    """The date of month index `mi` (year * 12 + month - 1), day `day` (≤ 28)."""
    return date(mi // 12, mi % 12 + 1, day)


def _mi(value: date) -> int:
    return value.year * 12 + value.month - 1


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _initials(name: str) -> str:
    """Agency abbreviation used in decision numbers: «Sở Tài chính» → STC."""
    if name.startswith("Ủy ban nhân dân"):
        return "UBND"
    words = [w for w in name.replace("-", " ").split() if w not in {"và", "tỉnh", "thành", "phố"}]
    return "".join(w[0].upper() for w in words)[:8] or "CQ"


def retirement_month(birth: date, sex: str, rule: Mapping[str, Any]) -> int:
    """Month index at whose end the person reaches retirement age (NĐ 135/2020, DOMAIN.md):
    the first year Y ≥ first_year in which birth + age(Y) falls."""
    params = rule[sex]
    first = int(rule["first_year"])
    birth_mi = _mi(birth)
    for year in range(first, first + 60):
        months = min(
            params["base_months"] + params["months_per_year"] * (year - first + 1),
            params["cap_months"],
        )
        reached = birth_mi + months
        if reached // 12 <= year:
            return reached
    return birth_mi + params["cap_months"]  # pragma: no cover - cap reached long before


def job_code(position: str) -> str:
    """Code of the job position that goes with a leadership position (≤ 32 characters):
    «deputy_head_division_provincial» → LD.DHDP."""
    return "LD." + "".join(part[0] for part in position.split("_")).upper()


class _Life:
    """Facts of one person that several sections depend on (a scratch pad, not output)."""

    __slots__ = (
        "birth",
        "birth_mi",
        "sex",
        "age",
        "unit",
        "category",
        "old_birth",
        "old_home",
        "family_name",
        "full_name",
        "qual",
        "qual_order",
        "field_name",
        "ladder",
        "rung",
        "rec",
        "rec_mi",
        "degrees",
        "in_service",
        "promotions",
        "leader",
        "app_mi",
        "deputy",
        "deputy_mi",
        "discipline",
        "grades",
        "veteran",
        "retire_mi",
        "residence",
        "province_text",
        "political",
        "state_management",
        "language",
        "it",
        "marital",
    )
