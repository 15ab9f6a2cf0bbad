"""Synthetic dossiers: valid, deterministic, realistic, and seeded through the one write path."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from hoso import identity
from hoso.core.dates import age_on
from hoso.core.errors import DomainError
from hoso.demo import population as gen
from hoso.demo.population.basics import _mi
from hoso.people.models import Person
from hoso.people.reference import load_reference
from hoso.people.validation import validate_dossier

TODAY = date(2026, 11, 21)

# Every test here reads catalogs: run them with the database tests, before any transactional
# test flushes the tables.
pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


@pytest.fixture
def demo_tree(db):
    """The demo's organization tree (a real province and a ministry, with quotas and posts)."""
    from hoso.demo.orgs import demo_organizations

    demo_organizations(TODAY)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Catalogs, the demo's units and the validation reference, read once per module from a
    tree that is rolled back afterwards: generation itself needs no database."""
    from hoso.demo.orgs import demo_organizations

    found = {}
    with django_db_blocker.unblock(), contextlib.suppress(_Rollback), transaction.atomic():
        demo_organizations(TODAY)
        found = {
            "catalogs": gen.load_catalogs(),
            "units": gen.load_units(on=TODAY),
            "ref": load_reference(),
        }
        raise _Rollback
    return found


@pytest.fixture
def population(world):
    def make(seed: int = 1) -> gen.Population:
        return gen.Population(
            seed=seed, units=world["units"], today=TODAY, catalogs=world["catalogs"]
        )

    return make


@pytest.fixture(scope="module")
def crowd(world):
    """2,000 people of seed 1: enough for the shares to settle."""
    return list(
        gen.Population(
            seed=1, units=world["units"], today=TODAY, catalogs=world["catalogs"]
        ).dossiers(2000)
    )


def _current_mains(data: dict) -> list[dict]:
    return [p for p in data["positions"] if p.get("is_main", True) and not p.get("to_date")]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_generated_dossier_passes_validation(world, population, seed):
    ref = world["ref"]
    for data in population(seed).dossiers(150):
        assert validate_dossier(data, ref=ref, today=TODAY) == [], data["identity"]


def test_the_same_seed_gives_the_same_people(population):
    assert list(population(7).dossiers(40)) == list(population(7).dossiers(40))
    assert list(population(7).dossiers(40)) != list(population(8).dossiers(40))


def test_a_longer_run_starts_with_the_shorter_one(population):
    assert list(population(3).dossiers(60))[:25] == list(population(3).dossiers(25))


def test_output_does_not_depend_on_the_batch_size(demo_tree):
    def stored(batch_size: int) -> list[tuple]:
        rows: list[tuple] = []
        with contextlib.suppress(_Rollback), transaction.atomic():
            gen.seed_people(count=30, seed=5, batch_size=batch_size, today=TODAY)
            rows = list(
                Person.objects.order_by("personal_id").values_list(
                    "personal_id", "full_name", "birth_date", "current_unit__code"
                )
            )
            raise _Rollback
        return rows

    assert len(stored(7)) == 30
    assert stored(7) == stored(30)


def test_family_names_follow_their_real_frequencies(crowd):
    families = Counter(data["identity"]["full_name"].split(" ")[0] for data in crowd)
    assert 0.34 <= families["Nguyễn"] / len(crowd) <= 0.43
    assert families.most_common(3)[0][0] == "Nguyễn"
    assert {"Trần", "Lê"} <= {name for name, _ in families.most_common(4)}


def test_ages_fit_a_working_life_and_nobody_works_past_retirement(crowd):
    rule = gen.parameters()["retirement_age"]
    ages = Counter()
    for data in crowd:
        ident = data["identity"]
        birth = ident["birth_date"]
        ages[age_on(birth, TODAY) // 10] += 1
        assert 22 <= age_on(birth, TODAY) <= 62
        assert gen.retirement_month(birth, ident["sex"], rule) >= TODAY.year * 12 + 10
        recruited = data["employment"]["recruitment_date"]
        assert 22 <= age_on(birth, recruited) <= 31
    assert ages[3] > ages[2] and ages[4] > ages[5] > ages[6]  # a workforce, not a pyramid


def test_everyone_has_exactly_one_current_main_position(crowd):
    assert all(len(_current_mains(data)) == 1 for data in crowd)


def test_a_share_of_people_hold_leadership_posts_and_each_unit_has_one_head(crowd):
    leaders = [data for data in crowd if _current_mains(data)[0]["position_code"]]
    assert 0.06 <= len(leaders) / len(crowd) <= 0.2
    heads = Counter(
        (data["employment"]["current_unit"], _current_mains(data)[0]["position_code"])
        for data in leaders
    )
    for head in ("head_division_provincial", "chairman_commune", "school_principal"):
        assert all(n == 1 for (_, code), n in heads.items() if code == head)
    for data in leaders:
        appointed = [e for e in data["career_events"] if e["decision_type"] == "appointment"]
        if appointed[-1]["effective_date"].year < TODAY.year:
            assert data["assets"], "leaders declare their assets every year"


def test_sex_ratio_follows_the_staff_category(crowd):
    def female_share(category: str) -> float:
        group = [d for d in crowd if d["employment"]["staff_category"] == category]
        return sum(d["identity"]["sex"] == "F" for d in group) / len(group)

    assert female_share("public_employee") > female_share("civil_servant") > 0.3


def test_personal_ids_match_birth_year_sex_and_birth_registration(crowd):
    ids = [data["identity"]["personal_id"] for data in crowd]
    assert len(set(ids)) == len(ids)
    for data in crowd:
        ident = data["identity"]
        info = identity.decode(ident["personal_id"])
        assert info.valid and info.sex == ident["sex"]
        assert info.birth_year == ident["birth_date"].year
        assert ident["personal_id"][:3] == "0" + ident["birth_place_code"]


def test_salary_steps_use_the_pay_group_coefficients_and_intervals(population, crowd):
    pop = population(1)
    for data in crowd[:300]:
        rows = data["salary"]
        assert rows[0]["from_date"] == data["employment"]["recruitment_date"]
        reached = rows[0]  # the row on which the current rank and step began
        for row in rows[1:]:
            group = pop.rank[row["rank_code"]].attrs["pay_group"]
            expected = Decimal(str(pop.pay[group]["steps"][row["step"] - 1]))
            assert Decimal(row["coefficient"]) == expected
            if (row["rank_code"], row["step"]) == (reached["rank_code"], reached["step"]):
                continue  # an allowance changed, not the step
            if row["rank_code"] == reached["rank_code"] and row["step"] == reached["step"] + 1:
                months = _mi(row["from_date"]) - _mi(reached["from_date"])
                assert months >= pop.pay[group]["step_months"]
            reached = row


def test_party_admission_is_at_eighteen_or_later_and_official_a_year_on(crowd):
    members = [data for data in crowd if data["party"]]
    assert 0.4 <= len(members) / len(crowd) <= 0.65
    for data in members:
        row = data["party"][0]
        assert age_on(data["identity"]["birth_date"], row["admission_date"]) >= 18
        if row["official_date"]:
            assert _mi(row["official_date"]) - _mi(row["admission_date"]) == 12


def test_parents_are_20_to_40_years_older_and_spouses_match_sex(crowd):
    for data in crowd[:500]:
        born = data["identity"]["birth_date"].year
        relations = {row["relation_code"]: row for row in data["family"]}
        for parent in ("father", "mother"):
            assert 20 <= born - relations[parent]["birth_year"] <= 40
        if data["identity"]["sex"] == "M":
            assert "spouse_husband" not in relations
        for row in data["family"]:
            assert row.get("death_year") is None or row["death_year"] >= row["birth_year"]


def test_training_leads_to_the_highest_qualification_before_it_is_needed(crowd):
    for data in crowd[:500]:
        degrees = [row for row in data["training"] if row["kind"] == "professional"]
        highest = data["qualifications"]["highest_qualification"]
        if highest != "none":
            assert degrees[-1]["qualification"] == highest
        recruited = data["employment"]["recruitment_date"]
        assert all(row["to_date"] < recruited for row in degrees if row["mode"] == "full_time")


def test_a_few_people_carry_a_discipline_with_its_period(crowd):
    disciplined = [data for data in crowd if data["discipline"]]
    assert 0.005 <= len(disciplined) / len(crowd) <= 0.04
    for data in disciplined:
        row = data["discipline"][0]
        assert row["effect_from"] <= TODAY and row["effect_to"] > row["effect_from"]


def test_retirement_month_follows_the_examples_of_decree_135(population):
    rule = gen.parameters()["retirement_age"]

    def month(year: int, month_: int, sex: str) -> tuple[int, int]:
        at = gen.retirement_month(date(year, month_, 15), sex, rule)
        return at // 12, at % 12 + 1

    assert month(1961, 9, "M") == (2021, 12)
    assert month(1961, 10, "M") == (2022, 4)
    assert month(1961, 1, "M") == (2021, 4)
    assert month(1966, 1, "F") == (2021, 5)


def test_missing_catalogs_are_named():
    with pytest.raises(DomainError) as caught:
        gen.require_catalogs({})
    assert "hoso catalog load" in caught.value.message


def test_seed_command_creates_people_with_a_progress_bar_and_can_run_again(orgs, capsys):
    out = StringIO()
    call_command("seed", "--people", "25", "--batch-size", "10", stdout=out)
    assert Person.objects.count() == 25
    assert "người/giây" in out.getvalue()
    assert "100%" in capsys.readouterr().err
    call_command("seed", "--people", "25", stdout=StringIO())
    assert Person.objects.count() == 50
    assert Person.objects.values("personal_id").distinct().count() == 50


def test_seed_command_places_people_only_under_the_given_units(orgs):
    call_command("seed", "--people", "12", "--unit", "B01", stdout=StringIO())
    assert set(Person.objects.values_list("current_unit__code", flat=True)) == {"B01.VP"}


def test_seed_command_explains_that_there_is_no_organization_yet(db):
    with pytest.raises(CommandError, match="Chưa có cơ quan, đơn vị nào"):
        call_command("seed", "--people", "5", stdout=StringIO())


def test_seed_command_names_an_unknown_unit(orgs):
    with pytest.raises(CommandError, match="Không có đơn vị: KHONGCO"):
        call_command("seed", "--people", "5", "--unit", "KHONGCO", stdout=StringIO())


def test_an_allocation_gives_each_unit_its_headcount_spread_evenly():
    counts = {("A", "civil_servant"): 6, ("B", "public_employee"): 3, ("C", "cadre"): 1}
    slots = gen.allocation_for(counts)
    assert Counter(slots) == counts
    assert Counter(slots[:5])[("A", "civil_servant")] == 3  # any prefix is spread like the whole


def test_an_allocated_population_places_people_exactly_as_asked(world):
    units = [u for u in world["units"] if u.code in {"NB.SNV.VP", "NB.SYT.BVDK"}]
    counts = {("NB.SNV.VP", "civil_servant"): 4, ("NB.SYT.BVDK", "public_employee"): 16}
    population = gen.Population(
        seed=1,
        units=units,
        today=TODAY,
        catalogs=world["catalogs"],
        allocation=gen.allocation_for(counts),
    )
    placed = Counter(
        (d["employment"]["current_unit"], d["employment"]["staff_category"])
        for d in population.dossiers(20)
    )
    assert placed == counts


def test_an_allocation_naming_an_unknown_unit_is_refused(world):
    with pytest.raises(DomainError) as refused:
        gen.Population(
            seed=1,
            units=world["units"],
            today=TODAY,
            catalogs=world["catalogs"],
            allocation=[("NB.KHONG", "civil_servant")],
        )
    assert refused.value.code == "unknown_unit"


def test_the_special_category_is_the_provinces_listed_leaders_and_labels_are_rare(crowd):
    """R-SPECIAL, R-SECRET: diện Ban Thường vụ Tỉnh ủy quản lý only for the positions of
    gen.json in the province's units; secret labels on a small share of dossiers."""
    listed = set(gen.parameters()["protection"]["special_category_positions"])
    special = [d for d in crowd if (d.get("protection") or {}).get("special_category")]
    assert special
    for d in special:
        assert d["employment"]["current_unit"].startswith("NB.")
        main = [p for p in d["positions"] if p.get("is_main") and not p.get("to_date")]
        assert main and main[0]["position_code"] in listed
    labelled = [d for d in crowd if (d.get("protection") or {}).get("secret_label")]
    assert 0 < len(labelled) < len(crowd) * 0.05
