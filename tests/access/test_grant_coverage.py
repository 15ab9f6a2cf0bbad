"""What a written approval covers is one rule in two shapes (`policies.grant_covers` in memory,
`policies.grant_coverage` as a filter); they agree on every combination (R-WRITTEN-APPROVAL,
R-SECRET, R-SPECIAL, NĐ 27/2026 Art. 20)."""

from __future__ import annotations

import itertools

import pytest
from django.db.models import Q

from hoso.access import approvals, policies
from hoso.access.models import AccessGrant, PurposeKind
from hoso.catalog.selectors import attrs_map
from hoso.people.selectors import person_queryset

LABELS = ["", "mat", "toi_mat", "tuyet_mat"]


@pytest.fixture
def people(make_dossier, orgs):
    """Every protection (secret label × special category), inside and outside one unit."""
    made = []
    for unit in ("T01.STC", "T01.XA"):
        for label, special in itertools.product(LABELS, (False, True)):
            made.append(
                make_dossier(
                    unit=unit, protection={"secret_label": label, "special_category": special}
                )
            )
    return made


def test_the_filter_and_the_in_memory_rule_agree_on_every_combination(people, orgs):
    reqs = approvals.requirements()
    levels = ["", "no_such_level", *attrs_map("approval_level")]
    inside = [p for p in people if p.current_unit.path.startswith(orgs["finance"].path)]
    named = [people[0].personal_id, people[-1].personal_id, inside[5].personal_id]
    consented = {p.personal_id for p in people[::2]}
    consent_filter = Q(personal_id__in=sorted(consented))
    checked = 0
    for reach, ceiling, special, level, kind in itertools.product(
        ("unit", "list", "both"), LABELS, (False, True), levels, PurposeKind.values
    ):
        grant = AccessGrant(
            organization=orgs["finance"] if reach != "list" else None,
            person_ids=named if reach != "unit" else [],
            secret_ceiling=ceiling,
            covers_special=special,
            approval_level=level,
            purpose_kind=kind,
        )
        in_memory = {
            p.personal_id
            for p in people
            if policies.grant_covers(grant, p, consented=consented, reqs=reqs)
        }
        as_filter = set(
            person_queryset()
            .filter(policies.grant_coverage(grant, consented=consent_filter, reqs=reqs))
            .values_list("personal_id", flat=True)
        )
        assert in_memory == as_filter, (reach, ceiling, special, level, kind)
        checked += 1
    assert checked == 3 * 4 * 2 * len(levels) * 2


def test_the_rule_opens_a_protection_only_within_ceiling_category_and_level(people, orgs):
    reqs = approvals.requirements()
    top = max(attrs_map("approval_level"), key=lambda c: attrs_map("approval_level")[c]["rank"])
    grant = AccessGrant(
        organization=orgs["finance"],
        secret_ceiling="toi_mat",
        covers_special=False,
        approval_level=top,
        purpose_kind=PurposeKind.CADRE_WORK,
    )
    opened = {
        (p.secret_label, p.special_category)
        for p in people
        if policies.grant_covers(grant, p, consented=(), reqs=reqs)
    }
    assert opened == {("", False), ("mat", False), ("toi_mat", False)}
    other = AccessGrant(
        organization=orgs["finance"], secret_ceiling="", purpose_kind=PurposeKind.OTHER
    )
    person = next(p for p in people if p.current_unit.path.startswith(orgs["finance"].path))
    assert not policies.grant_covers(other, person, consented=(), reqs=reqs)
    assert policies.grant_covers(other, person, consented={person.personal_id}, reqs=reqs)
    assert policies.grant_covers(other, person, consented=(), reqs=reqs, consent_needed=False)
