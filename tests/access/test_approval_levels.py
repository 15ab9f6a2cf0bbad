"""Approval levels of written approvals for protected dossiers are catalog data, ordered, and
checked both when a grant is recorded and on every read (issue 15 finding 4; R-WRITTEN-APPROVAL,
R-SECRET, R-SPECIAL)."""

from datetime import date, timedelta

import pytest

from hoso.access import approvals, policies
from hoso.access.models import AccessGrant
from hoso.access.services import grant_issue
from hoso.audit.models import AuditAction, AuditEvent, AuditOutcome
from hoso.catalog.selectors import attrs_map
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.selectors import people_search


def grant(personas, **kw):
    values = {
        "acting_user": personas["quanly"],
        "grantee": personas["ngoai"],
        "purpose": "Thẩm định hồ sơ đề nghị bổ nhiệm",
        "document_number": "12/CV-BTCTU",
        "document_date": date(2026, 11, 1),
        "signer": "Trưởng Ban Tổ chức Tỉnh ủy",
        "valid_from": today() - timedelta(days=1),
        "valid_to": today() + timedelta(days=30),
    }
    values.update(kw)
    return grant_issue(**values)


def refusal(personas, **kw) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        grant(personas, **kw)
    return caught.value


def opened(user, person) -> bool:
    try:
        policies.dossier_access(user, person.personal_id)
    except NotFound:
        return False
    return True


def test_the_levels_are_catalog_data_with_legal_basis_ordered_and_cover_every_degree(db):
    levels = attrs_map("approval_level")
    ranks = sorted(attrs["rank"] for attrs in levels.values())
    assert ranks == list(range(1, len(levels) + 1))  # a strict order, lowest first
    covered = {p for attrs in levels.values() for p in attrs["required_for"]}
    assert set(attrs_map("secret_label")) | {approvals.SPECIAL} <= covered
    from hoso.catalog.models import CatalogEntry

    for entry in CatalogEntry.objects.filter(catalog_id="approval_level"):
        assert "29/2018/QH14" in entry.legal_basis and "Điều 11" in entry.legal_basis
    assert [code for code, _ in approvals.level_choices()] == sorted(
        levels, key=lambda c: levels[c]["rank"]
    )


def test_a_grant_naming_a_level_that_is_not_in_the_catalog_is_refused_and_opens_nothing(
    personas, make_dossier
):
    """The probe of issue 15: ceiling Tuyệt mật, level `x`, accepted, and `ngoai` read a Mật
    dossier. Now refused in the service, with a Vietnamese reason, audited, nothing saved."""
    secret = make_dossier(protection={"secret_label": "mat"})
    failed = refusal(
        personas, person_ids=[secret.personal_id], secret_ceiling="tuyet_mat", approval_level="x"
    )
    [problem] = failed.problems
    assert problem.code == "unknown_approval_level"
    assert problem.field == "approval_level"
    assert problem.message == "Cấp phê duyệt «x» không có trong danh mục cấp phê duyệt."
    assert not AccessGrant.objects.exists()
    denied = AuditEvent.objects.filter(action=AuditAction.GRANT_ISSUE).get()
    assert denied.outcome == AuditOutcome.DENY
    assert denied.detail["problems"] == ["unknown_approval_level"]
    assert not opened(personas["ngoai"], secret)


def test_a_level_below_what_the_label_needs_is_refused_with_the_level_it_needs(
    personas, make_dossier
):
    top = make_dossier(protection={"secret_label": "tuyet_mat"})
    failed = refusal(
        personas,
        person_ids=[top.personal_id],
        secret_ceiling="tuyet_mat",
        approval_level="tham_quyen_toi_mat",
    )
    assert [p.code for p in failed.problems] == ["approval_level_too_low"]
    assert failed.problems[0].message == (
        "«Người có thẩm quyền cho phép đối với bí mật nhà nước độ Tối mật» không đủ thẩm quyền "
        "cho phạm vi này; cần ít nhất «Người có thẩm quyền cho phép đối với bí mật nhà nước độ "
        "Tuyệt mật»."
    )
    assert not opened(personas["ngoai"], top)


def test_the_special_category_needs_the_highest_level_even_without_a_secret_label(
    personas, make_dossier
):
    special = make_dossier(protection={"special_category": True})
    failed = refusal(
        personas,
        person_ids=[special.personal_id],
        covers_special=True,
        approval_level="tham_quyen_mat",
    )
    assert [p.code for p in failed.problems] == ["approval_level_too_low"]
    grant(
        personas,
        person_ids=[special.personal_id],
        covers_special=True,
        approval_level="tham_quyen_tuyet_mat",
    )
    assert opened(personas["ngoai"], special)


def test_an_unknown_secret_ceiling_is_refused(personas, make_dossier):
    person = make_dossier()
    failed = refusal(
        personas,
        person_ids=[person.personal_id],
        secret_ceiling="sieu_mat",
        approval_level="tham_quyen_tuyet_mat",
    )
    assert [p.code for p in failed.problems] == ["bad_secret_ceiling"]


def test_a_sufficient_level_is_accepted_and_opens_the_protected_dossier(personas, make_dossier):
    secret = make_dossier(protection={"secret_label": "toi_mat"})
    # A higher level includes the lower ones: the Tuyệt mật authority may permit Tối mật.
    recorded = grant(
        personas,
        person_ids=[secret.personal_id],
        secret_ceiling="toi_mat",
        approval_level="tham_quyen_tuyet_mat",
    )
    assert recorded.approval_level == "tham_quyen_tuyet_mat"
    access = policies.dossier_access(personas["ngoai"], secret.personal_id)
    assert access.basis == ("grant",)
    assert access.can_see("identity.full_name")
    listed = people_search(scope=policies.people_scope(personas["ngoai"]))
    assert list(listed.values_list("personal_id", flat=True)) == [secret.personal_id]


def test_the_gate_rechecks_the_level_on_read_so_an_old_free_text_grant_opens_nothing(
    personas, make_dossier
):
    """A grant row recorded before levels were catalog data (free text `x`) is not trusted:
    neither the dossier nor the search listing opens, while the unprotected one still does."""
    secret = make_dossier(protection={"secret_label": "mat"})
    plain = make_dossier(full_name="Hoàng Văn Em")
    AccessGrant.objects.create(
        grantee=personas["ngoai"],
        person_ids=[secret.personal_id, plain.personal_id],
        secret_ceiling="tuyet_mat",
        covers_special=True,
        approval_level="x",
        purpose="Bản ghi cũ",
        document_number="1/CV",
        document_date=date(2026, 1, 5),
        signer="Không rõ",
        valid_from=today() - timedelta(days=1),
        valid_to=today() + timedelta(days=30),
        approved_by=personas["quanly"],
    )
    assert not opened(personas["ngoai"], secret)
    assert opened(personas["ngoai"], plain)
    listed = people_search(scope=policies.people_scope(personas["ngoai"]))
    assert list(listed.values_list("personal_id", flat=True)) == [plain.personal_id]
