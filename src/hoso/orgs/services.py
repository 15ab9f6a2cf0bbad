"""Writing the organization tree (quotas and job positions: `hoso.staffing.services`, which
can count the people a quota covers).

Invariants: a unit's validity lies inside its parent's; `path` always equals the chain of ids
from the root; a merged or split unit is closed, never deleted, and its succession recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from hoso.core.errors import Problem, ValidationFailed
from hoso.core.text import normalize
from hoso.orgs.models import Organization, OrgKind, OrgSuccession, SuccessionKind

PATH_MAX: int = Organization._meta.get_field("path").max_length or 255


def _fail(code: str, message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(code, message, field)])


@transaction.atomic
def org_create(
    *,
    acting_user: object | None,
    code: str,
    name: str,
    kind: str,
    valid_from: date,
    parent: Organization | None = None,
    short_name: str = "",
    admin_unit_code: str = "",
    legal_basis: str = "",
    sort_order: int = 0,
) -> Organization:
    if kind not in OrgKind.values:
        raise _fail("unknown_org_kind", f"Loại cơ quan «{kind}» không có trong danh mục.", "kind")
    if Organization.objects.filter(code=code).exists():
        raise _fail("duplicate_org_code", f"Mã đơn vị «{code}» đã được dùng.", "code")
    if parent is not None and (
        parent.valid_from > valid_from or (parent.valid_to and parent.valid_to < valid_from)
    ):
        raise _fail(
            "parent_not_valid",
            f"Đơn vị cấp trên «{parent.name}» không có hiệu lực vào ngày thành lập.",
            "parent",
        )
    org = Organization.objects.create(
        code=code,
        name=name,
        short_name=short_name,
        name_norm=normalize(name),
        kind=kind,
        parent=parent,
        admin_unit_code=admin_unit_code,
        valid_from=valid_from,
        legal_basis=legal_basis,
        sort_order=sort_order,
        path="",
        depth=0,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def org_merge(
    *,
    acting_user: object | None,
    predecessors: list[Organization],
    successor: Organization,
    effective_date: date,
    legal_basis: str,
    kind: str = SuccessionKind.MERGE,
) -> None:
    """Close the predecessors the day before `effective_date` and record the succession.

    People and history keep their links to the old units; current staff are moved by
    personnel decisions (transfer), not silently here.
    """
    if not legal_basis:
        raise _fail(
            "legal_basis_required", "Cần ghi căn cứ pháp lý của việc sắp xếp.", "legal_basis"
        )
    for old in predecessors:
        if old.pk == successor.pk:
            raise _fail("merge_into_self", "Không thể sáp nhập một đơn vị vào chính nó.")
        if old.valid_to is not None and old.valid_to < effective_date:
            raise _fail("already_closed", f"Đơn vị «{old.name}» đã hết hiệu lực trước đó.")
        old.valid_to = effective_date - timedelta(days=1)
        old.save(update_fields=["valid_to"])
        OrgSuccession.objects.create(
            predecessor=old,
            successor=successor,
            kind=kind,
            effective_date=effective_date,
            legal_basis=legal_basis,
        )


def org_reparent(
    *, acting_user: object | None, unit: Organization, new_parent: Organization, legal_basis: str
) -> tuple[str, str]:
    """Move `unit` and its whole subtree under `new_parent` (an org reform that keeps the
    unit, e.g. a department passing to another committee); returns (old path, new path).

    Only through `people.services.unit_reparent`, which moves the people's stored unit path
    in the same transaction. Invariants: the path of every unit of the subtree is rewritten
    in one UPDATE (their ids, validity and history stay), never under its own subtree.
    """
    if not legal_basis:
        raise _fail(
            "legal_basis_required", "Cần ghi căn cứ pháp lý của việc sắp xếp.", "legal_basis"
        )
    unit = Organization.objects.select_for_update().get(pk=unit.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise _fail(
            "reparent_into_subtree",
            f"Không thể chuyển đơn vị «{unit.name}» về trực thuộc chính nó hoặc đơn vị cấp dưới"
            " của nó.",
            "parent",
        )
    if unit.parent_id == new_parent.pk:
        raise _fail(
            "reparent_same_parent",
            f"Đơn vị «{unit.name}» đã trực thuộc «{new_parent.name}».",
            "parent",
        )
    if new_parent.valid_to is not None:
        raise _fail(
            "parent_not_valid",
            f"Đơn vị cấp trên «{new_parent.name}» đã hết hiệu lực.",
            "parent",
        )
    old, new = unit.path, f"{new_parent.path}{unit.pk}/"
    subtree = Organization.objects.filter(path__startswith=old)
    longest = max(subtree.annotate(n=Length("path")).values_list("n", flat=True))
    if longest - len(old) + len(new) > PATH_MAX:
        raise _fail("org_tree_too_deep", "Cây tổ chức sau khi chuyển quá sâu.", "parent")
    subtree.update(
        path=Concat(Value(new), Substr("path", len(old) + 1)),
        depth=F("depth") + (new_parent.depth + 1 - unit.depth),
    )
    Organization.objects.filter(pk=unit.pk).update(parent=new_parent)
    return old, new
