"""Discipline decisions: a discipline row for its restriction period; some forms end the post
or the employment (R-APPOINT-SAFE)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hoso.catalog.selectors import name_of
from hoso.changes.effects.common import (
    Data,
    Ops,
    Params,
    add_months,
    close_row,
    current_unit,
    employment_of,
    end_service,
    entry_on,
    iso,
    leadership_post,
    move,
    refuse,
    rows_of,
)
from hoso.core.dates import vn
from hoso.orgs.selectors import org_get
from hoso.people.models import StaffStatus

if TYPE_CHECKING:
    from hoso.changes.models import PersonnelDecision

# Forms that end more than the restriction: these codes are stable identifiers of the
# ``discipline_form`` catalog (NĐ 172/2025): buộc thôi việc ends employment, bãi nhiệm ends
# the elected post; forms marked ``leadership_only`` (cách chức, giáng chức) end the post held.
ENDS_EMPLOYMENT = frozenset({"forced_dismissal"})
ENDS_POST = frozenset({"removal_from_office"})


def discipline(decision: PersonnelDecision, data: Data, params: Data) -> Ops:
    """A discipline row effective from the effective date to the end of its form's restriction
    period (``discipline_form.restriction_months``); leadership forms end the post held."""
    p = Params(params)
    on = decision.effective_date
    form = p.code("form_code", "Hình thức kỷ luật", "discipline_form", required=True, on=on)
    reason = p.text("reason", "Lý do kỷ luật", required=True)
    lower_post = p.code("position_code", "Chức vụ mới sau giáng chức", "position", on=on)
    p.check()
    name, attrs = entry_on("discipline_form", form, on)
    category = employment_of(data).get("staff_category")
    if attrs.get("applies_to") and category not in attrs["applies_to"]:
        raise refuse(
            "form_not_applicable",
            f"Hình thức «{name}» không áp dụng cho {name_of('staff_category', category).lower()}.",
            "parameters.form_code",
        )
    if lower_post and not attrs.get("leadership_only"):
        raise refuse(
            "unused_parameter",
            f"Hình thức «{name}» không đổi chức vụ: bỏ tham số «position_code».",
            "parameters.position_code",
        )
    months = attrs.get("restriction_months")
    row = {
        "decision_date": iso(decision.signed_date),
        "form_code": form,
        "reason": reason,
        "decision_number": decision.number,
        "issuer": decision.issuer,
        "effect_from": iso(on),
        "effect_to": iso(add_months(on, int(months))) if months else None,
    }
    ops: Ops = [{"op": "add", "section": "discipline", "row": row}]
    if form in ENDS_EMPLOYMENT:
        ops += end_service(decision, data, StaffStatus.DISMISSED, f"{name} từ {vn(on)}")
    elif form in ENDS_POST or attrs.get("leadership_only"):
        main = leadership_post(data, name.lower())
        unit = org_get(str(rows_of(data, "positions")[main].get("organization"))) or current_unit(
            data
        )
        if form in ENDS_POST:
            ops.append(close_row(data, "positions", main, on))
        else:
            title = name_of("position", lower_post) if lower_post else ""
            ops += move(
                decision, data, unit=unit, position_code=lower_post, job_position="", title=title
            )
    return ops
