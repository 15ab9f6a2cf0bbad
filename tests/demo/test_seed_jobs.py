"""`hoso seed --jobs J` (issue 13): the same people whatever J, a verifiable audit chain,
bad arguments refused (R-SCALE)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hoso.access.system import system_dossier
from hoso.audit.purposes import Purpose
from hoso.demo import population as gen
from hoso.demo.population.parallel import shares
from hoso.people.models import Person
from hoso.people.sections import SECTIONS


def _without_ids(value: Any) -> Any:
    """Section rows' own ids come from their sequences (they differ between runs)."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _stored() -> list[tuple[int, dict[str, Any]]]:
    people = list(Person.objects.order_by("pk"))
    first = people[0].pk
    return [
        (p.pk - first, _without_ids(system_dossier(purpose=Purpose.SYSTEM_DEMO, person=p)))
        for p in people
    ]


def _forget_people() -> None:
    for section in SECTIONS:  # histories protect their person: rows first
        if section.model is not Person:
            section.model._default_manager.all().delete()
    Person.objects.all().delete()


def _seed(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed", "--seed", "5", "--batch-size", "7", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_two_jobs_write_exactly_the_people_of_one_and_the_chain_verifies(orgs_committed):
    _seed("--people", "45", "--jobs", "1")
    one = _stored()
    _forget_people()  # the same node again, empty: same numbering, same serials
    _out, err = _seed("--people", "45", "--jobs", "2")
    two = _stored()
    assert len(one) == 45
    assert [pid for pid, _ in one] == list(range(45))  # ids in person order, reserved or not
    assert two == one
    if connection.vendor == "sqlite":
        assert "SQLite chỉ có một luồng ghi" in err
    else:
        assert err == ""
    verified = StringIO()
    call_command("audit", "verify", stdout=verified)
    assert verified.getvalue().startswith("OK:")


def test_a_second_parallel_run_adds_new_people(orgs_committed):
    _seed("--people", "30", "--jobs", "2")
    _seed("--people", "30", "--jobs", "2")
    assert Person.objects.values("personal_id").distinct().count() == 60


@pytest.mark.parametrize("jobs", ["0", "-1", str(gen.SHARDS + 1)])
def test_a_number_of_jobs_out_of_range_is_refused(orgs, jobs):
    with pytest.raises(CommandError, match=f"--jobs phải từ 1 đến {gen.SHARDS}"):
        call_command("seed", "--people", "5", "--jobs", jobs, stdout=StringIO())
    assert Person.objects.count() == 0


def test_workers_share_out_every_shard_once_and_evenly():
    weights = [25.0, 13.0, 7.0, 6.0, 6.0, 4.0] + [3.0] * 10
    owned = shares(weights, 2)
    assert sorted(s for share in owned for s in share) == list(range(len(weights)))
    loads = [sum(weights[s] for s in share) for share in owned]
    assert max(loads) - min(loads) <= 3.0
    assert shares([1.0, 1.0], 5) == [frozenset({0}), frozenset({1})]  # no idle worker


def test_the_shares_of_any_number_of_workers_make_up_the_whole_run(orgs):
    from datetime import date

    today = date(2026, 11, 21)
    units = gen.load_units(on=today)
    catalogs = gen.load_catalogs()

    def population() -> gen.Population:
        return gen.Population(seed=3, units=units, today=today, catalogs=catalogs)

    whole = list(population().indexed(80, 10))
    for jobs in (2, 3):
        parts: list[tuple[int, dict]] = []
        for share in shares(population().shard_weights(), jobs):
            parts += population().indexed(80, 10, share)
        assert sorted(parts, key=lambda item: item[0]) == whole
