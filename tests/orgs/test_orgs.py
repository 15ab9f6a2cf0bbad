"""The agency tree with validity dates, mergers that keep history (R-NATIONAL). Quotas and job
positions: tests/staffing."""

from datetime import date

import pytest

from hoso.core.errors import ValidationFailed
from hoso.orgs import selectors
from hoso.orgs.models import OrgKind, OrgSuccession
from hoso.orgs.services import org_create, org_merge


def test_paths_make_subtrees_one_prefix(orgs):
    budget = orgs["budget"]
    assert budget.path.startswith(orgs["finance"].path) and budget.depth == 2
    codes = [o.code for o in selectors.org_list(root=orgs["province"])]
    assert codes == ["T01", "T01.STC", "T01.STC.NS", "T01.XA"]
    assert [o.code for o in selectors.ancestors(budget)] == ["T01", "T01.STC", "T01.STC.NS"]


def test_a_merger_closes_the_old_units_and_keeps_their_history(orgs, make_dossier):
    person = make_dossier(unit="T01.XA")
    new = org_create(
        acting_user=None,
        code="T01.XB",
        name="Ủy ban nhân dân xã Hòa Bình Mới",
        kind=OrgKind.COMMUNE_COMMITTEE,
        valid_from=date(2026, 7, 1),
        parent=orgs["province"],
    )
    org_merge(
        acting_user=None,
        predecessors=[orgs["commune"]],
        successor=new,
        effective_date=date(2026, 7, 1),
        legal_basis="Nghị quyết sắp xếp đơn vị hành chính",
    )
    orgs["commune"].refresh_from_db()
    assert orgs["commune"].valid_to == date(2026, 6, 30)
    assert OrgSuccession.objects.get(predecessor=orgs["commune"]).successor == new
    on_old_day = [o.code for o in selectors.org_list(on=date(2026, 6, 30), root=orgs["province"])]
    on_new_day = [o.code for o in selectors.org_list(on=date(2026, 7, 1), root=orgs["province"])]
    assert "T01.XA" in on_old_day and "T01.XA" not in on_new_day and "T01.XB" in on_new_day
    person.refresh_from_db()
    assert person.current_unit.code == "T01.XA"  # people move by decision, not silently


def test_bad_tree_changes_are_refused(orgs):
    with pytest.raises(ValidationFailed, match="đã được dùng"):
        org_create(
            acting_user=None,
            code="T01",
            name="Trùng",
            kind=OrgKind.DIVISION,
            valid_from=date(2026, 1, 1),
        )
    with pytest.raises(ValidationFailed, match="không có hiệu lực"):
        org_create(
            acting_user=None,
            code="T01.OLD",
            name="Phòng cũ",
            kind=OrgKind.DIVISION,
            valid_from=date(2020, 1, 1),
            parent=orgs["province"],
        )
    with pytest.raises(ValidationFailed, match="không có trong danh mục"):
        org_create(acting_user=None, code="X", name="X", kind="galaxy", valid_from=date(2026, 1, 1))
    with pytest.raises(ValidationFailed, match="căn cứ pháp lý"):
        org_merge(
            acting_user=None,
            predecessors=[orgs["commune"]],
            successor=orgs["province"],
            effective_date=date(2026, 7, 1),
            legal_basis="",
        )
    with pytest.raises(ValidationFailed, match="chính nó"):
        org_merge(
            acting_user=None,
            predecessors=[orgs["commune"]],
            successor=orgs["commune"],
            effective_date=date(2026, 7, 1),
            legal_basis="NQ",
        )


