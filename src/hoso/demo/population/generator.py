"""The population: tables built once per run, then one dossier per person index."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from faker import Faker

from hoso import identity
from hoso.core.errors import DomainError
from hoso.demo.population.basics import _Life, _lower_first, _mi, _Pick, unit_shards
from hoso.demo.population.careers import CareerMixin
from hoso.demo.population.families import FamilyMixin
from hoso.demo.population.inputs import (
    CATALOGS,
    NO_UNITS,
    SHARDS,
    Catalogs,
    Entry,
    Present,
    UnitInfo,
    _read_json,
    parameters,
    require_catalogs,
)
from hoso.demo.population.names import NamesMixin
from hoso.demo.population.profile import ProfileMixin
from hoso.demo.population.salaries import SalaryMixin
from hoso.demo.population.schooling import SchoolingMixin


class Population(NamesMixin, SchoolingMixin, CareerMixin, SalaryMixin, FamilyMixin, ProfileMixin):
    """Generates dossiers for one run; see the module docstring for the guarantees."""

    def __init__(
        self,
        *,
        seed: int,
        units: Sequence[UnitInfo],
        today: date,
        catalogs: Catalogs,
        serial_start: Mapping[str, int] | None = None,
        present: Present | None = None,
        allocation: Sequence[tuple[str, str]] = (),
    ) -> None:
        """`allocation`, when given, places person `i` in (unit code, staff category)
        `allocation[i % len(allocation)]` instead of drawing them by the units' weights, so a
        demo can fill each quota as it means to (see `allocation_for`)."""
        require_catalogs(catalogs)
        if not units:
            raise DomainError("no_units", NO_UNITS)
        self.seed = int(seed)
        self.today = today
        self.today_mi = _mi(today)
        self.rng = random.Random()
        # Personal-id serials: how many of each prefix the node holds, then a counter per
        # (prefix, shard) of this run (see `ProfileMixin._identity`).
        self.serial_base: dict[str, int] = dict(serial_start or {})
        self.serials: dict[tuple[str, int], int] = {}
        present = present or Present()
        self.taken = dict(present.posts)  # leadership posts filled, per (unit, position)
        self.seen = dict(present.headcount)  # people placed so far, per unit
        self.p = parameters()
        self._names(_read_json("names.json"))
        self._catalogs(catalogs)
        self._units(units)
        self.unit_shard = unit_shards(units, SHARDS)
        by_code = {u.code: u for u in units}
        unknown = sorted({code for code, _ in allocation if code not in by_code})
        if unknown:
            raise DomainError("unknown_unit", "Không có đơn vị: " + ", ".join(unknown) + ".")
        self.allocation = [(by_code[code], category) for code, category in allocation]
        self._streets()

    def _names(self, doc: dict[str, Any]) -> None:
        self.cohort_year = int(doc["cohort_split_year"])
        plain, variants = [], {}
        for entry in doc["family_names"]:
            plain.append((entry["name"], entry["percent"]))
            if "variant" in entry:
                variants[entry["name"]] = entry["variant"]
        self.family_pick = _Pick(plain)
        self.family_variants = variants
        # (sex, born before the cohort split) → the draws a full name needs, looked up once.
        self.naming = {
            (sex, old): (
                _Pick(doc["middle_names"][sex][cohort]),
                float(doc["p_two_middle"][sex][cohort]),
                _Pick(doc["second_middle_names"][sex]),
                _Pick(doc["given_names"][sex][cohort]),
            )
            for sex in "MF"
            for old, cohort in ((True, "old"), (False, "young"))
        }
        self.ascii: dict[str, str] = {}

    def _catalogs(self, catalogs: Catalogs) -> None:
        by: dict[str, dict[str, Entry]] = {}
        for name in CATALOGS:
            latest: dict[str, Entry] = {}
            for entry in catalogs[name]:
                latest[entry.code] = entry  # callers pass versions oldest first
            by[name] = latest
        self.cat = by
        self.ethnicity = _Pick(
            [(e.code, e.attrs.get("population_share", 0)) for e in by["ethnicity"].values()]
        )
        self.religion = _Pick(
            [(e.code, e.attrs.get("share_among_staff", 0)) for e in by["religion"].values()]
        )
        self.qualification = _Pick(
            [(e.code, e.attrs.get("share", 0)) for e in by["qualification"].values()]
        )
        self.qual_order = {
            c: int(e.attrs.get("rank_order", 0)) for c, e in by["qualification"].items()
        }
        self.blood = _Pick(
            [
                (e.code, e.attrs.get("share", 0))
                for e in by["blood_group"].values()
                if e.attrs.get("rh")
            ]
        )
        self.pay = {c: e.attrs for c, e in by["pay_group"].items()}
        self.coef = {
            c: [f"{s:.2f}" for s in a["steps"]] for c, a in self.pay.items() if a.get("steps")
        }
        self.rank = by["rank"]
        ladders: dict[str, list[Entry]] = {}
        for code, entry in self.rank.items():
            if entry.attrs.get("pay_group") in self.coef:
                ladders.setdefault(code.rsplit(".", 1)[0], []).append(entry)
        for rungs in ladders.values():
            rungs.sort(key=lambda e: -int(e.attrs.get("grade_level", 9)))
        self.ladders = ladders
        self.positions = by["position"]
        self.old = by["province_old"]
        self.province = by["province"]
        communes: dict[str, list[str]] = {}  # today's names, also for places named long ago
        for entry in by["commune"].values():
            communes.setdefault(entry.parent, []).append(entry.name)
        self.communes = communes
        successors: dict[str, list[str]] = {}
        for code, entry in self.old.items():
            new = str(entry.attrs.get("new_code", ""))
            pid = str(entry.attrs.get("personal_id_code", ""))
            if pid in identity.province_codes() and new in communes:
                successors.setdefault(new, []).append(code)
        self.successors = successors
        self.any_old = [c for olds in successors.values() for c in olds]
        self.places = {
            code: (
                communes.get(str(entry.attrs.get("new_code", ""))) or [""],
                _lower_first(str(entry.attrs.get("full_name") or entry.name)),
            )
            for code, entry in self.old.items()
        }
        self.grades = by["evaluation_grade"]
        self.discipline = by["discipline_form"]
        self.awards = by["award_form"]

    def _units(self, units: Sequence[UnitInfo]) -> None:
        p = self.p
        self.unit_pick = _Pick([(u, u.weight) for u in units])
        self.cat_pick = {}
        for unit in units:
            pairs = unit.categories or tuple(
                (p["staff_categories"].get(unit.kind) or p["staff_categories"]["default"]).items()
            )
            known = [(c, w) for c, w in pairs if c in self.cat["staff_category"]]
            self.cat_pick[unit.code] = _Pick(known or [("civil_servant", 1.0)])
        self.rank_family = {k: _Pick(v) for k, v in p["rank_families"].items()}
        self.studies = {
            k: _Pick([((name, schools), w) for name, w, schools in v])
            for k, v in p["studies"].items()
        }
        ages = p["age_weights"]
        weights = []
        for age in range(ages[0][0], ages[-1][0] + 1):
            for (a0, w0), (a1, w1) in zip(ages, ages[1:], strict=False):
                if a0 <= age <= a1:
                    weights.append((age, w0 + (w1 - w0) * (age - a0) / (a1 - a0)))
                    break
        self.age_pick = _Pick(weights)
        self.grade_pick = _Pick([(c, w) for c, w in p["evaluation_grades"] if c in self.grades])
        self.dis_pick = _Pick(p["discipline_forms"])
        self.military_pick = _Pick(p["military_ranks"])
        self.lang_pick = _Pick(p["languages"])
        self.lang_new = _Pick(p["language_levels_new"])
        self.lang_old = _Pick(p["language_levels_legacy"])
        self.it_new = _Pick(p["it_levels_new"])
        self.it_old = _Pick(p["it_levels_legacy"])
        self.health_pick = _Pick(p["health_status"])
        self.leadership = {
            k: [tuple(s) for s in v if s[0] in self.positions] for k, v in p["leadership"].items()
        }
        self.retire_rule = p["retirement_age"]
        self.retire_cache: dict[tuple[int, int, str], int] = {}

    def _streets(self) -> None:
        # Faker is slow per call (~20 µs); a seeded pool keeps its realism at our speed.
        fake = Faker("vi_VN")
        fake.seed_instance(self.seed)
        self.street_pool = sorted({fake.street_name() for _ in range(400)})

    def dossiers(self, count: int, start: int = 0) -> Iterator[dict[str, Any]]:
        for _index, data in self.indexed(count, start):
            yield data

    def indexed(
        self, count: int, start: int = 0, shards: Collection[int] | None = None
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, dossier) of people `start … start + count − 1`, only those whose unit is in
        `shards` when given: a worker's share (every shard's people in index order, so the
        shares of any number of workers together are exactly the whole run)."""
        rng, base = self.rng, self.seed << 32
        for index in range(start, start + count):
            rng.seed(base + index)
            first = rng.random()
            if shards is not None and self.unit_shard[self._placed(index, first)] not in shards:
                continue
            yield index, self._dossier(index, first)

    def dossier(self, index: int) -> dict[str, Any]:
        self.rng.seed((self.seed << 32) + index)
        return self._dossier(index, self.rng.random())

    def _placed(self, index: int, first: float) -> str:
        """The code of the unit person `index` is placed in, from their first draw."""
        if self.allocation:
            return self.allocation[index % len(self.allocation)][0].code
        return self.unit_pick(first).code

    def shard_weights(self) -> list[float]:
        """The expected share of the people in each shard (to balance workers)."""
        weights = [0.0] * SHARDS
        if self.allocation:
            for unit, _category in self.allocation:
                weights[self.unit_shard[unit.code]] += 1
        else:
            for unit in self.unit_pick.items:
                weights[self.unit_shard[unit.code]] += unit.weight
        return weights

    def _dossier(self, index: int, first: float) -> dict[str, Any]:
        r = self.rng.random
        life = _Life()
        self._who(life, r, index, first)
        self._schooling(life, r)
        self._leadership(life, r)
        self._promotions(life, r)
        self._evaluations(life, r)
        self._discipline(life, r)
        data: dict[str, Any] = {
            "identity": self._identity(life, r),
            "employment": None,
            "qualifications": None,
            "positions": None,
            "salary": self._salary(life),
            "training": self._training(life, r),
            "work_history": None,
            "career_events": None,
            "party": self._party(life, r),
            "organizations": self._organizations(life, r),
            "military": self._military(life, r),
            "awards": None,
            "discipline": self._discipline_rows(life, r),
            "evaluations": self._evaluation_rows(life, r),
            "health": self._health(life, r),
            "personal_history": self._personal_history(life, r),
            "family": self._family(life, r),
            "assets": self._assets(life, r),
            "assessments": self._assessments(life, r),
        }
        data["work_history"], data["positions"], data["career_events"] = self._career(life, r)
        data["awards"], honour = self._awards(life, r)
        data["employment"] = self._employment(life, r, index)
        data["qualifications"] = self._qualifications(life, r, honour)
        data["identity"]["marital_status"] = life.marital
        self._leave_gaps(data, r)
        protection = self._protection(life, r)
        if protection:
            data["protection"] = protection
        return data

    def _protection(self, life: _Life, r: Callable[[], float]) -> dict[str, Any]:
        """The special category and the secret label (R-SPECIAL, R-SECRET): drawn last, so
        everything else of the person is as it would be without them."""
        rules = self.p["protection"]
        special = life.unit.provincial and life.leader in rules["special_category_positions"]
        if special:
            shares = rules["special"]
        elif life.leader and life.unit.field == "inspection":
            shares = rules["inspection_leader"]
        else:
            shares = rules["other"]
        u, label = r(), ""
        for code, share in shares:
            if u < share:
                label = code
                break
            u -= share
        if not (special or label):
            return {}
        return {"secret_label": label, "special_category": special}

    def _choice(self, items: Sequence[str], r: Callable[[], float]) -> str:
        return items[int(r() * len(items))]
