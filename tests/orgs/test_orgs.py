"""The agency tree with validity dates, mergers that keep history, quotas (R-NATIONAL)."""

from datetime import date

import pytest

from hoso.core.errors import ValidationFailed
from hoso.orgs import selectors
from hoso.orgs.models import OrgKind, OrgSuccession
from hoso.orgs.services import job_position_create, org_create, org_merge, quota_set
from hoso.people import selectors as people_selectors


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


def test_people_are_counted_against_the_quota_of_their_unit_subtree(orgs, make_dossier):
    quota_set(
        acting_user=None,
        organization=orgs["province"],
        year=2026,
        staff_category="civil_servant",
        quota=2,
        legal_basis="QĐ giao biên chế 2026",
    )
    quota_set(
        acting_user=None,
        organization=orgs["finance"],
        year=2026,
        staff_category="civil_servant",
        quota=5,
        legal_basis="QĐ giao biên chế 2026",
    )
    make_dossier(unit="T01.STC")
    make_dossier(unit="T01.STC.NS", full_name="Trần Văn Bình")
    make_dossier(unit="T01.XA", full_name="Lê Văn Cường")
    usage = {u.organization.code: u for u in people_selectors.quota_usage(year=2026)}
    assert (usage["T01"].counted, usage["T01"].over) == (3, True)
    assert (usage["T01.STC"].counted, usage["T01.STC"].remaining) == (2, 3)
    with pytest.raises(ValidationFailed):
        quota_set(
            acting_user=None,
            organization=orgs["finance"],
            year=2026,
            staff_category="civil_servant",
            quota=-1,
            legal_basis="x",
        )


def test_job_positions_are_unique_per_unit(orgs):
    job_position_create(
        acting_user=None,
        organization=orgs["finance"],
        code="VT01",
        name="Chuyên viên quản lý ngân sách",
        staff_category="civil_servant",
        valid_from=date(2026, 1, 1),
        rank_code="01.003",
    )
    with pytest.raises(ValidationFailed):
        job_position_create(
            acting_user=None,
            organization=orgs["finance"],
            code="VT01",
            name="Trùng",
            staff_category="civil_servant",
            valid_from=date(2026, 1, 1),
        )
