"""Records about a dossier are looked up through `access.policies`, with the one 404 for
missing and forbidden (DESIGN.md: one gate per protected resource)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoso.access import policies
from hoso.access.services import grant_issue
from hoso.changes.selectors import records
from hoso.core.dates import today
from hoso.core.errors import NotFound


def issue(personas, person, by="quanly"):
    return grant_issue(
        acting_user=personas[by],
        grantee=personas["ngoai"],
        person_ids=[person.personal_id],
        purpose="Thẩm định hồ sơ đề nghị bổ nhiệm",
        document_number="12/CV-BTCTU",
        document_date=date(2026, 11, 1),
        signer="Trưởng Ban Tổ chức Tỉnh ủy",
        valid_from=today() - timedelta(days=1),
        valid_to=today() + timedelta(days=30),
    )


@pytest.mark.parametrize(
    "check", [records.changeset_for, records.discrepancy_for, records.decision_for]
)
def test_a_missing_record_is_not_found(personas, check):
    with pytest.raises(NotFound):
        check(personas["quanly"], 999999)


def test_only_a_records_manager_reviews_change_sets(personas):
    with pytest.raises(NotFound):
        records.changeset_for(personas["nhaplieu"], 999999)


def test_a_grant_is_managed_only_by_the_records_manager_who_recorded_it(personas, make_dossier):
    grant = issue(personas, make_dossier())
    assert policies.own_grant_for(personas["quanly"], grant.pk) == grant
    for other in ("nhaplieu", "ngoai", "thanhtra"):
        with pytest.raises(NotFound):
            policies.own_grant_for(personas[other], grant.pk)
    with pytest.raises(NotFound):
        policies.own_grant_for(personas["quanly"], 999999)
