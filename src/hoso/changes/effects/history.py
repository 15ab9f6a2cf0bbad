"""Conclusions on a person's history (Mẫu 2C item 29)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.changes.effects.common import Data, Ops, Params, iso

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

PERSONAL_HISTORY_FIELDS = {
    "arrests": "Bị bắt, bị tù",
    "former_regime": "Làm việc trong chế độ cũ",
    "foreign_organizations": "Tham gia hoặc có quan hệ với tổ chức ở nước ngoài",
    "relatives_abroad": "Thân nhân ở nước ngoài",
}


def personal_conclusion(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """The concluded items of the personal history (Mẫu 2C item 29) replace what was declared."""
    p = Params(params)
    values = {
        name: p.text(name, label, max_length=2000)
        for name, label in PERSONAL_HISTORY_FIELDS.items()
    }
    values = {k: v for k, v in values.items() if v}
    if not values:
        p.fail(
            "required",
            "Cần ít nhất một nội dung kết luận: " + ", ".join(PERSONAL_HISTORY_FIELDS) + ".",
        )
    p.check()
    if not data.get("personal_history"):
        values["declared_on"] = iso(decision.signed_date)
    return [{"op": "set", "section": "personal_history", "values": values}]
