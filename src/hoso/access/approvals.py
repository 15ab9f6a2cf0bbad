"""Who must have signed a written approval for protected dossiers (R-WRITTEN-APPROVAL, R-SECRET,
R-SPECIAL).

The levels are data: catalog `approval_level` (Luật Bảo vệ bí mật nhà nước, Điều 11: who may
permit access to state secrets of each degree), ordered by `rank`; `required_for` names the
degrees (`secret_label` codes) and the special category each level is the minimum for. A
grant naming no level, an unknown one or one below what its coverage needs is refused when it
is recorded (`grant_level_problems`, called by `services.grant_issue`), and the read gate
checks the level again on every read (`Requirements.suffices`), so a grant recorded before
this rule — or a catalog tightened since — opens only what its level supports. Deny by
default: a degree no level is listed for cannot be granted at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoso.catalog.selectors import attrs_map, name_of
from hoso.core.errors import Problem

CATALOG = "approval_level"
SPECIAL = "special_category"
LABELS = "secret_label"  # catalog of the degrees


@dataclass(frozen=True)
class Requirements:
    """The catalog read once: each level's rank, and the minimum rank of each protection."""

    ranks: dict[str, int]
    minimum: dict[str, int]

    def needed(self, secret_label: str, special: bool) -> int | None:
        """The rank a dossier with this label (and category) needs; None: cannot be granted."""
        need = 0
        for protection in ([secret_label] if secret_label else []) + ([SPECIAL] if special else []):
            if protection not in self.minimum:
                return None
            need = max(need, self.minimum[protection])
        return need

    def suffices(self, approval_level: str, secret_label: str, special: bool) -> bool:
        need = self.needed(secret_label, special)
        if need is None:
            return False
        return need == 0 or self.ranks.get(approval_level, 0) >= need


def requirements() -> Requirements:
    ranks: dict[str, int] = {}
    minimum: dict[str, int] = {}
    for code, attrs in attrs_map(CATALOG).items():
        rank = int(attrs.get("rank", 0))
        ranks[code] = rank
        for protection in attrs.get("required_for", []):
            minimum[protection] = min(rank, minimum.get(protection, rank))
    return Requirements(ranks=ranks, minimum=minimum)


def lowest_sufficient_level(*, secret_ceiling: str, covers_special: bool) -> str:
    """The lowest catalog level that may approve this coverage ("" when none is needed)."""
    reqs = requirements()
    need = reqs.needed(secret_ceiling, covers_special)
    if not need:
        return ""
    return min((c for c, r in reqs.ranks.items() if r >= need), key=reqs.ranks.__getitem__)


def level_choices() -> list[tuple[str, str]]:
    """(code, name) lowest first, for the grant form's picker."""
    ranks = requirements().ranks
    return [(code, name_of(CATALOG, code)) for code in sorted(ranks, key=lambda c: ranks[c])]


def grant_level_problems(
    *, secret_ceiling: str, covers_special: bool, approval_level: str
) -> list[Problem]:
    """What is wrong with a grant's approval level for its coverage (empty when it is right)."""
    if secret_ceiling and secret_ceiling not in attrs_map(LABELS):
        message = f"Độ mật «{secret_ceiling}» không có."
        return [Problem("bad_secret_ceiling", message, "secret_ceiling")]
    level = approval_level.strip()
    reqs = requirements()
    if level and level not in reqs.ranks:
        return [
            Problem(
                "unknown_approval_level",
                f"Cấp phê duyệt «{level}» không có trong danh mục cấp phê duyệt.",
                "approval_level",
            )
        ]
    need = reqs.needed(secret_ceiling, covers_special)
    if need is None:
        return [
            Problem(
                "approval_level_unavailable",
                "Danh mục cấp phê duyệt chưa quy định cấp nào được cho phép khai thác hồ sơ "
                "này; không thể ghi nhận.",
                "approval_level",
            )
        ]
    if need == 0:
        return []
    if not level:
        return [
            Problem(
                "approval_level_required",
                "Hồ sơ có độ mật hoặc thuộc diện Ban Thường vụ quản lý cần ghi cấp phê duyệt.",
                "approval_level",
            )
        ]
    if reqs.ranks[level] < need:
        required = min((c for c, r in reqs.ranks.items() if r >= need), key=reqs.ranks.get)
        return [
            Problem(
                "approval_level_too_low",
                f"«{name_of(CATALOG, level)}» không đủ thẩm quyền cho phạm vi này; cần ít nhất "
                f"«{name_of(CATALOG, required)}».",
                "approval_level",
            )
        ]
    return []
