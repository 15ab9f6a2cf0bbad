"""Reading by written approval only, field by field (R-WRITTEN-APPROVAL, R-FIELD-CLASS,
R-SPECIAL, NĐ 27/2026 Art. 20)."""

from datetime import date, timedelta

import pytest

from conftest import employee_account
from hoso.access import policies
from hoso.access.services import (
    consent_give,
    consent_withdraw,
    grant_issue,
    grant_revoke,
)
from hoso.core.dates import today
from hoso.core.errors import NotFound, ValidationFailed
from hoso.people.models import Person
from hoso.people.selectors import people_search


def grant(personas, **kw):
    values = {
        "acting_user": personas["quanly"],
        "grantee": personas["ngoai"],
        "purpose": "Thẩm định hồ sơ đề nghị điều động",
        "document_number": "123/QĐ-UBND",
        "document_date": date(2026, 11, 1),
        "signer": "Chủ tịch UBND tỉnh",
        "valid_from": today() - timedelta(days=1),
        "valid_to": today() + timedelta(days=30),
    }
    values.update(kw)
    return grant_issue(**values)


def visible(user, person):
    return policies.dossier_access(user, person.personal_id)


def test_an_officer_of_another_agency_sees_nothing_without_a_grant(personas, make_dossier):
    person = make_dossier()
    with pytest.raises(NotFound):
        visible(personas["ngoai"], person)
    assert not people_search(scope=policies.people_scope(personas["ngoai"])).exists()


def test_a_grant_opens_the_covered_person_up_to_its_ceiling(personas, make_dossier):
    person = make_dossier()
    grant(personas, person_ids=[person.personal_id])
    access = visible(personas["ngoai"], person)
    assert access.basis == ("grant",)
    assert access.can_see("identity.full_name")
    assert not access.can_see("identity.phone")  # sensitive, above the "personal" ceiling
    shown = access.content()
    assert shown["identity"]["full_name"] == "Nguyễn Văn An"
    assert shown["identity"]["phone"] is None
    assert [row["status"] for row in shown["health"]] == [None]
    assert shown["personal_history"]["arrests"] is None
    assert "văn bản phê duyệt" in access.masked["identity.phone"]


def test_a_grant_limited_to_sections_shows_only_those(personas, make_dossier):
    person = make_dossier()
    grant(personas, person_ids=[person.personal_id], sections=["training"], ceiling="sensitive")
    access = visible(personas["ngoai"], person)
    assert access.can_see("training.institution")
    assert not access.can_see("identity.full_name")
    shown = access.content()
    assert shown["health"] == [] and shown["family"] == []  # wholly hidden histories are left out


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [(-30, -1), (1, 30)],
    ids=["expired", "not_yet_valid"],
)
def test_a_grant_outside_its_period_opens_nothing(personas, make_dossier, valid_from, valid_to):
    person = make_dossier()
    grant(
        personas,
        person_ids=[person.personal_id],
        valid_from=today() + timedelta(days=valid_from),
        valid_to=today() + timedelta(days=valid_to),
    )
    with pytest.raises(NotFound):
        visible(personas["ngoai"], person)


def test_a_revoked_grant_stops_on_the_next_request(personas, make_dossier):
    person = make_dossier()
    issued = grant(personas, person_ids=[person.personal_id])
    visible(personas["ngoai"], person)
    grant_revoke(acting_user=personas["quanly"], grant=issued, reason="Hết nhu cầu")
    with pytest.raises(NotFound):
        visible(personas["ngoai"], person)


def test_a_unit_grant_lists_the_subtree_in_search(personas, make_dossier, orgs):
    make_dossier(unit="T01.STC.NS")
    make_dossier(unit="T01.XA", full_name="Trần Văn Bình")
    grant(personas, organization=orgs["finance"])
    found = people_search(scope=policies.people_scope(personas["ngoai"]))
    assert [p.full_name for p in found] == ["Nguyễn Văn An"]


def test_a_clerk_may_not_record_grants_and_nobody_grants_to_themself(personas, make_dossier):
    person = make_dossier()
    with pytest.raises(ValidationFailed) as caught:
        grant(personas, acting_user=personas["nhaplieu"], person_ids=[person.personal_id])
    assert "not_records_manager" in {p.code for p in caught.value.problems}
    with pytest.raises(ValidationFailed) as caught:
        grant(personas, grantee=personas["quanly"], person_ids=[person.personal_id])
    assert "self_grant" in {p.code for p in caught.value.problems}


def test_a_grant_beyond_the_managers_duty_is_refused(personas, make_dossier, orgs):
    with pytest.raises(ValidationFailed) as caught:
        grant(personas, organization=orgs["ministry"])
    assert {p.code for p in caught.value.problems} == {"outside_duty"}


def test_duty_ceilings_mask_by_role(personas, make_dossier):
    person = make_dossier()
    assert visible(personas["quanly"], person).can_see("identity.phone")
    leader = visible(personas["lanhdao"], person)
    assert leader.can_see("identity.full_name") and not leader.can_see("identity.phone")


def test_secret_and_special_dossiers_need_a_grant_at_the_configured_level(personas, make_dossier):
    secret = make_dossier(protection={"secret_label": "mat"})
    special = make_dossier(full_name="Lê Văn Cường", protection={"special_category": True})
    for person in (secret, special):
        with pytest.raises(NotFound):
            visible(personas["quanly"], person)
    assert (
        not people_search(scope=policies.people_scope(personas["quanly"]))
        .filter(pk__in=[secret.pk, special.pk])
        .exists()
    )
    with pytest.raises(ValidationFailed) as caught:
        grant(personas, person_ids=[secret.personal_id], secret_ceiling="mat")
    assert "approval_level_required" in {p.code for p in caught.value.problems}
    # A manager cannot open a protected dossier to themself; another officer gets it by a grant.
    grant(
        personas,
        grantee=personas["lanhdao"],
        person_ids=[secret.personal_id],
        secret_ceiling="mat",
        approval_level="tham_quyen_mat",
    )
    assert visible(personas["lanhdao"], secret).basis == ("grant",)


def test_outside_cadre_work_the_persons_consent_is_needed_and_can_be_withdrawn(
    personas, make_dossier
):
    person = make_dossier()
    owner = employee_account(person, "chu_ho_so")
    grant(
        personas,
        person_ids=[person.personal_id],
        purpose_kind="other",
        purpose="Xác minh cho ngân hàng",
    )
    with pytest.raises(NotFound):
        visible(personas["ngoai"], person)
    consent = consent_give(acting_user=owner, grantee=personas["ngoai"], purpose="Xác minh")
    assert visible(personas["ngoai"], person).basis == ("grant",)
    consent_withdraw(acting_user=owner, consent=consent)
    with pytest.raises(NotFound):
        visible(personas["ngoai"], person)


def test_every_employee_sees_their_own_dossier_and_no_other(personas, make_dossier):
    mine, other = make_dossier(), make_dossier(full_name="Phạm Thị Dung", sex="F")
    owner = employee_account(mine, "canbo")
    access = visible(owner, mine)
    assert access.basis == ("self",) and access.can_see("personal_history.arrests")
    with pytest.raises(NotFound):
        visible(owner, other)
    assert list(people_search(scope=policies.people_scope(owner))) == [
        Person.objects.get(pk=mine.pk)
    ]


def test_the_administrator_reads_no_dossier_and_a_disabled_account_nothing(personas, make_dossier):
    person = make_dossier()
    with pytest.raises(NotFound):
        visible(personas["quantri"], person)
    personas["quanly"].is_active = False
    personas["quanly"].save()
    with pytest.raises(NotFound):
        visible(personas["quanly"], person)
