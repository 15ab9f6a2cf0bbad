"""Synthetic dossiers for demos, benchmarks and tests (never a real person's data).

The generator writes nothing: it yields plain dossiers in the shape `people.services` accepts,
so generated people pass through the same validation and write path as typed or imported ones.
Everything it produces is consistent with the catalogs it is given (codes, pay-group steps,
ranks, positions), with the personal-id rules (digits match birth year, sex and the old
birth-registration province), with time (nothing before birth or in the future; nobody at work
past their retirement age) and with itself (training before the rank it qualifies for, one
current main position, Party admission at 18 or later, …). Name frequencies and tuning shares
are data in `people/data/` with their sources.

Determinism: person `i` of seed `s` is drawn from its own `Random(s, i)`, so output does not
depend on batch size; slot-limited things (one head per unit) and personal-id serials depend on
the people generated before in the same run, which is itself deterministic.

Speed matters (R-SCALE: millions of dossiers for benchmarks): catalogs are reduced once to
cumulative-weight tables, people are built as plain dicts, dates are `date` objects (the
services accept `date` or ISO text; `json.dumps(..., default=str)` gives the dossier JSON).
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any

from hoso import identity
from hoso.core.errors import DomainError, Problem

# Catalogs the generator draws codes and attributes from.
CATALOGS = tuple(
    [
        "award_form",
        "blood_group",
        "commune",
        "decision_type",
        "discipline_form",
        "ethnicity",
        "evaluation_grade",
        "family_relation",
        "foreign_language",
        "foreign_language_level",
        "general_education",
        "it_level",
        "military_rank",
        "pay_group",
        "policy_family",
        "political_theory",
        "position",
        "province",
        "province_old",
        "qualification",
        "rank",
        "religion",
        "socio_political_org",
        "staff_category",
        "state_management",
        "training_kind",
        "training_mode",
    ]
)
_SERIAL_SPACE = 1_000_000
_SERIAL_STRIDE = 7_919  # coprime with 10**6: k → serial is a bijection, serials look random
_DEFAULT_WEIGHT = {
    "public_unit": 60.0,
    "division": 12.0,
    "commune_committee": 35.0,
    "department_central": 30.0,
    "provincial_department": 40.0,
    "sub_department": 25.0,
}


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A catalog entry as the generator needs it (all versions are kept, with their dates)."""

    code: str
    name: str
    attrs: Mapping[str, Any]
    parent: str = ""
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


Catalogs = Mapping[str, Sequence[Entry]]


@dataclass(frozen=True)
class UnitInfo:
    """A unit people can be placed in, with what the generator needs to know about it."""

    code: str
    name: str
    kind: str
    managing_agency: str
    province_code: str  # current (2025) province the unit sits in
    full_name: str  # as written in a work history today
    valid_from: date
    # Work-history text of a unit of the same agency ("{name}"): today, and before `valid_from`
    # ("{old}" is the name of the old province, before the 2025 merger).
    current_name: str = "{name}"
    former_name: str = "{name}"
    weight: float = 1.0
    field: str = "admin"  # admin, finance, law, inspection, education[_…], health
    leadership: str = ""  # key of the leadership profile in synthetic.json
    categories: tuple[tuple[str, float], ...] = ()
    job_positions: tuple[tuple[str, str, str], ...] = ()  # (code, staff_category, rank_code)
    issuer_abbr: str = "UBND"
    issuer_name: str = ""
    issuer_former: str = ""  # the managing agency before `valid_from` ("{old}" as above)
    root_name: str = ""  # the province's committee or the ministry: higher awards, ranks
    root_former: str = ""
    siblings: tuple[str, ...] = ()  # names of other units under the same agency (transfers)
    email_domain: str = "gov.vn"
    provincial: bool = False  # under a province's committee (its standing committee's cadres)


def _read_json(name: str) -> dict[str, Any]:
    return json.loads((resources.files("hoso.people") / "data" / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def parameters() -> dict[str, Any]:
    """The tuning shares and text pools of `data/synthetic.json` (read once per process)."""
    return _read_json("synthetic.json")


# --- small pure helpers -----------------------------------------------------------------------


class _Pick:
    """Weighted choice by bisecting cumulative weights: one `random()` per draw."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        pairs = [(item, float(w)) for item, w in pairs if w and w > 0]
        if not pairs:
            raise ValueError("no weighted items")
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def __call__(self, u: float) -> Any:
        return self.items[bisect(self.cum, u * self.total)]


def _d(mi: int, day: int) -> date:
    """The date of month index `mi` (year * 12 + month - 1), day `day` (≤ 28)."""
    return date(mi // 12, mi % 12 + 1, day)


def _mi(value: date) -> int:
    return value.year * 12 + value.month - 1


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _initials(name: str) -> str:
    """Agency abbreviation used in decision numbers: «Sở Tài chính» → STC."""
    if name.startswith("Ủy ban nhân dân"):
        return "UBND"
    words = [w for w in name.replace("-", " ").split() if w not in {"và", "tỉnh", "thành", "phố"}]
    return "".join(w[0].upper() for w in words)[:8] or "CQ"


def retirement_month(birth: date, sex: str, rule: Mapping[str, Any]) -> int:
    """Month index at whose end the person reaches retirement age (NĐ 135/2020, DOMAIN.md):
    the first year Y ≥ first_year in which birth + age(Y) falls."""
    params = rule[sex]
    first = int(rule["first_year"])
    birth_mi = _mi(birth)
    for year in range(first, first + 60):
        months = min(
            params["base_months"] + params["months_per_year"] * (year - first + 1),
            params["cap_months"],
        )
        reached = birth_mi + months
        if reached // 12 <= year:
            return reached
    return birth_mi + params["cap_months"]  # pragma: no cover - cap reached long before


# --- the population ---------------------------------------------------------------------------


class _Life:
    """Facts of one person that several sections depend on (a scratch pad, not output)."""

    __slots__ = (
        "birth",
        "birth_mi",
        "sex",
        "age",
        "unit",
        "category",
        "old_birth",
        "old_home",
        "family_name",
        "full_name",
        "qual",
        "qual_order",
        "field_name",
        "ladder",
        "rung",
        "rec",
        "rec_mi",
        "degrees",
        "in_service",
        "promotions",
        "leader",
        "app_mi",
        "deputy",
        "deputy_mi",
        "discipline",
        "grades",
        "veteran",
        "retire_mi",
        "residence",
        "province_text",
        "political",
        "state_management",
        "language",
        "it",
        "marital",
    )


@dataclass(frozen=True)
class Present:
    """What the node already holds, so a second run continues the first instead of repeating
    it: people per unit and leadership posts per (unit, position)."""

    headcount: Mapping[str, int] = field(default_factory=dict)
    posts: Mapping[tuple[str, str], int] = field(default_factory=dict)


NO_UNITS = "Chưa có cơ quan, đơn vị nào: tạo cây tổ chức trước (hoặc chạy «hoso demo»)."


def require_catalogs(catalogs: Catalogs) -> None:
    """Refuse to start, naming what is missing, rather than fail on the first person."""
    missing = [name for name in CATALOGS if not catalogs.get(name)]
    if missing:
        shown = ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        raise DomainError(
            "missing_catalogs",
            f"Chưa nạp danh mục dùng chung (thiếu {len(missing)}: {shown}): "
            "chạy «hoso catalog load».",
            [Problem("missing_catalog", f"Thiếu danh mục «{name}».", name) for name in missing],
        )


class Population:
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
        self.serials: dict[str, int] = dict(serial_start or {})
        present = present or Present()
        self.taken = dict(present.posts)  # leadership posts filled, per (unit, position)
        self.seen = dict(present.headcount)  # people placed so far, per unit
        self.p = parameters()
        self._names(_read_json("names.json"))
        self._catalogs(catalogs)
        self._units(units)
        by_code = {u.code: u for u in units}
        unknown = sorted({code for code, _ in allocation if code not in by_code})
        if unknown:
            raise DomainError("unknown_unit", "Không có đơn vị: " + ", ".join(unknown) + ".")
        self.allocation = [(by_code[code], category) for code, category in allocation]
        self._streets()

    # -- tables built once -------------------------------------------------------------------------

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
        from faker import Faker

        fake = Faker("vi_VN")
        fake.seed_instance(self.seed)
        self.street_pool = sorted({fake.street_name() for _ in range(400)})

    # -- the run -----------------------------------------------------------------------------------

    def dossiers(self, count: int, start: int = 0) -> Iterator[dict[str, Any]]:
        for index in range(start, start + count):
            yield self.dossier(index)

    def dossier(self, index: int) -> dict[str, Any]:
        rng = self.rng
        rng.seed((self.seed << 32) + index)
        r = rng.random
        life = _Life()
        self._who(life, r, index)
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

    # -- who: unit, sex, birth, places, names ------------------------------------------------------

    def _who(self, life: _Life, r: Callable[[], float], index: int) -> None:
        unit = self.unit_pick(r())
        category = self.cat_pick[unit.code](r())
        if self.allocation:
            unit, category = self.allocation[index % len(self.allocation)]
        life.unit, life.category = unit, category
        self.seen[unit.code] = self.seen.get(unit.code, 0) + 1
        shares = self.p["female_share"]
        base_field = unit.field.split("_")[0]
        if category == "public_employee" and base_field in shares:
            female = shares[base_field]
        else:
            female = shares.get(category, shares["default"])
        sex = life.sex = "F" if r() < female else "M"
        today = self.today
        birth_date = self._birth(sex, r)
        life.birth = birth_date
        life.birth_mi = _mi(birth_date)
        life.age = (
            today.year
            - birth_date.year
            - ((today.month, today.day) < (birth_date.month, birth_date.day))
        )
        life.retire_mi = self._retires(birth_date, sex)
        local = self.successors.get(unit.province_code) or self.any_old
        life.old_birth = (
            local[int(r() * len(local))]
            if r() < 0.8
            else self.any_old[int(r() * len(self.any_old))]
        )
        life.old_home = life.old_birth if r() < 0.85 else self.any_old[int(r() * len(self.any_old))]
        life.family_name = self._family_name(life.old_birth, r)

    def _birth(self, sex: str, r: Callable[[], float]) -> date:
        """A birth date from the workforce age pyramid, of someone not yet retired today."""
        today, today_mi = self.today, self.today_mi
        youngest = 12 * self.p["recruitment_age"][0] + 1  # old enough to have been recruited
        for attempt in range(50):
            age = self.age_pick(r()) if attempt < 49 else 30
            day = date(today.year - age, 1, 1).toordinal() + int(r() * 365)
            birth = date.fromordinal(day)
            if (birth.month, birth.day) > (today.month, today.day):
                birth = date.fromordinal(day - 365)  # the birthday is still ahead: one year older
            if self._retires(birth, sex) >= today_mi and _mi(birth) + youngest <= today_mi:
                break
        return birth

    def _retires(self, birth: date, sex: str) -> int:
        key = (birth.year, birth.month, sex)
        cached = self.retire_cache.get(key)
        if cached is None:
            cached = self.retire_cache[key] = retirement_month(birth, sex, self.retire_rule)
        return cached

    def _family_name(self, old_province: str, r: Callable[[], float]) -> str:
        name = self.family_pick(r())
        variant = self.family_variants.get(name)
        if variant and old_province >= variant["from_old_province"] and r() < variant["share"]:
            return variant["name"]
        return name

    def _given(self, sex: str, birth_year: int, r: Callable[[], float], family: str) -> str:
        """A full name: middle names (sometimes two) and a given name of the sex and cohort."""
        middle_pick, p_two, second_pick, given_pick = self.naming[
            (sex, birth_year < self.cohort_year)
        ]
        middle = middle_pick(r())
        if r() < p_two:
            second = second_pick(r())
            if second != middle:
                middle = f"{middle} {second}"
        given = given_pick(r())
        if middle.endswith(given):
            given = given_pick(r())
        return f"{family} {middle} {given}"

    # -- education, military, recruitment ----------------------------------------------------------

    def _schooling(self, life: _Life, r: Callable[[], float]) -> None:
        p = self.p
        qual = self.qualification(r())
        if qual == "doctor_of_science" and life.birth.year >= 1970:
            qual = "doctor"
        family = self._rank_family(life, r)
        ladder = self.ladders.get(family) or self.ladders["01"]
        entry_min = self._min_qual(ladder)
        if self.qual_order[qual] < entry_min:
            if life.category == "public_employee" and family != "01":
                qual = self._qual_of_order(entry_min)
            else:
                ladder = self.ladders["01"]
        life.ladder = ladder
        life.veteran = (
            life.sex == "M"
            and r()
            < p["military_share_men"]["old" if life.birth.year < self.cohort_year else "young"]
        )
        pool = self._study_pool(life, ladder)
        life.field_name, schools = pool(r())
        life.in_service = []
        while not self._timeline(life, qual, schools, r):
            # Too young for this degree before today: one level lower (none always fits).
            qual = self._qual_of_order(self.qual_order[qual] - 1)
            life.in_service = []
        life.qual = qual
        life.qual_order = self.qual_order[qual]
        life.rung = self._entry_rung(ladder, life.qual_order)

    def _rank_family(self, life: _Life, r: Callable[[], float]) -> str:
        field_key = life.unit.field
        if life.category == "public_employee":
            pick = self.rank_family.get(field_key) or self.rank_family.get(field_key.split("_")[0])
        else:
            pick = (
                self.rank_family.get(field_key)
                if field_key in {"finance", "law", "inspection"}
                else None
            )
        return pick(r()) if pick else self.rank_family["admin"](r())

    def _min_qual(self, ladder: list[Entry]) -> int:
        entry = [e for e in ladder if int(e.attrs.get("grade_level", 9)) >= 3]
        return min(
            self.qual_order.get(e.attrs.get("min_qualification") or "none", 0)
            for e in entry or ladder
        )

    def _qual_of_order(self, order: int) -> str:
        return next(c for c, o in self.qual_order.items() if o == order)

    def _entry_rung(self, ladder: list[Entry], order: int) -> int:
        best = 0
        for index, entry in enumerate(ladder):
            level_ok = int(entry.attrs.get("grade_level", 9)) >= 3
            if (
                level_ok
                and self.qual_order.get(entry.attrs.get("min_qualification") or "none", 0) <= order
            ):
                best = index
        return best

    def _study_pool(self, life: _Life, ladder: list[Entry]) -> _Pick:
        code = ladder[0].code
        if code.startswith("V.08.01"):
            return self.studies["health_doctor"]
        key = life.unit.field
        if life.category != "public_employee" and key.split("_")[0] in {"education", "health"}:
            key = "admin"
        return self.studies.get(key) or self.studies.get(key.split("_")[0]) or self.studies["admin"]

    def _timeline(self, life: _Life, qual: str, schools: list[str], r: Callable[[], float]) -> bool:
        """Military service, schooling and recruitment in order; False if `qual` cannot fit."""
        p, birth_mi, today_mi = self.p, life.birth_mi, self.today_mi
        rows: list[
            tuple[str, int, int, str, str, str]
        ] = []  # qual, from, to, mode, school, diploma
        start = (life.birth.year + 18) * 12 + 8  # September of the year one turns 18
        if life.veteran:
            enlist = (life.birth.year + 18) * 12 + (1 if r() < 0.6 else 8)
            life.veteran = (enlist, enlist + 24)
            start = (enlist + 24) // 12 * 12 + 8 + (12 if (enlist + 24) % 12 >= 8 else 0)
        order = self.qual_order[qual]
        years = p["study_years"]
        school = schools[int(r() * len(schools))]
        end = start
        base = min(order, self.qual_order["bachelor"])
        if base >= self.qual_order["elementary"]:
            base_code = self._qual_of_order(base)
            span = int(12 * float(p["study_years_by_field"].get(life.field_name, years[base_code])))
            end = start + span - 3  # graduation in June
            rows.append(
                (
                    base_code,
                    start,
                    end,
                    "full_time",
                    school,
                    self._diploma(base_code, life.field_name),
                )
            )
        low, high = p["recruitment_age"]
        rec_lo = max(end + 1, birth_mi + 12 * low + 1)  # the month after the birthday
        rec_hi = min(max(birth_mi + 12 * high + 11, end + 6), today_mi)
        if rec_lo > rec_hi:
            return False
        rec_mi = rec_lo + int(r() * (rec_hi - rec_lo + 1))
        for step in ("master", "doctor", "doctor_of_science"):
            if order < self.qual_order[step]:
                break
            span = 12 * int(years[step])
            last = rows[-1][2]
            lo, hi = max(last, rec_mi) + 12, today_mi - span
            if step == "master" and (r() < 0.35 or lo > hi):
                rec_mi = max(rec_mi, last + span + 2)
                rows.append(
                    (step, last + 3, last + span, "full_time", school, self._diploma(step, ""))
                )
            elif lo <= hi:
                begin = lo + int(r() * (hi - lo + 1))
                rows.append(
                    (step, begin, begin + span - 1, "work_study", school, self._diploma(step, ""))
                )
                life.in_service.append(begin)
            else:
                return False
        if rec_mi > today_mi or any(row[2] > today_mi for row in rows):
            return False
        life.rec_mi = rec_mi
        day = 1 + int(r() * 28)
        life.rec = _d(rec_mi, min(day, self.today.day) if rec_mi == today_mi else day)
        life.degrees = rows
        return True

    def _diploma(self, qual: str, field_name: str) -> str:
        p = self.p
        if qual == "bachelor" and field_name in p["degree_names_by_field"]:
            return p["degree_names_by_field"][field_name]
        return p["degree_names"].get(qual, "")

    # -- career: leadership, promotions, evaluations, discipline -----------------------------------

    def _leadership(self, life: _Life, r: Callable[[], float]) -> None:
        life.leader = life.deputy = None
        life.app_mi = life.deputy_mi = 0
        slots = self.leadership.get(life.unit.leadership) or []
        if not slots or r() >= self.p["leader_candidate_share"]:
            return
        if life.qual_order < self.qual_order["bachelor"]:
            return  # leadership posts require a university degree
        lo_base = max(life.rec_mi + 60, life.birth_mi + 12 * 28)
        hi = min(self.today_mi - 1, life.retire_mi - 60)
        seen = self.seen[life.unit.code]
        for index, (code, count, min_age, per_100) in enumerate(slots):
            key = (life.unit.code, code)
            if self.taken.get(key, 0) >= count + per_100 * seen // 100 or life.age < min_age:
                continue
            lo = max(lo_base, life.birth_mi + 12 * int(min_age) - 24, hi - 120)
            if lo > hi:
                return
            self.taken[key] = self.taken.get(key, 0) + 1
            life.leader = code
            life.app_mi = lo + int(r() * (hi - lo + 1))
            if index + 1 < len(slots) and life.app_mi - 12 >= lo_base and r() < 0.5:
                life.deputy = slots[index + 1][0]
                life.deputy_mi = lo_base + int(r() * (life.app_mi - 12 - lo_base + 1))
            return

    def _promotions(self, life: _Life, r: Callable[[], float]) -> None:
        life.promotions = []
        ladder, rung, at = life.ladder, life.rung, life.rec_mi
        chance = (0.55, 0.12)
        while rung + 1 < len(ladder):
            nxt = ladder[rung + 1]
            level = int(nxt.attrs.get("grade_level", 9))
            if (
                self.qual_order.get(nxt.attrs.get("min_qualification") or "none", 0)
                > life.qual_order
            ):
                break
            if level >= 3:
                wait, p = 9 * 12, 0.3
            else:
                wait, p = (9 * 12, chance[0]) if level == 2 else (6 * 12, chance[1])
            if life.leader:
                p = min(0.95, p + 0.35)
            lo, hi = at + wait, self.today_mi - 1
            if lo > hi or r() >= p:
                break
            at = lo + int(r() * min(hi - lo + 1, 96))
            rung += 1
            life.promotions.append((at, rung))

    def _evaluations(self, life: _Life, r: Callable[[], float]) -> None:
        first = life.rec.year if life.rec.month <= 6 else life.rec.year + 1
        pick = self.grade_pick
        life.grades = {
            year: pick(r()) for year in range(max(first, self.today.year - 5), self.today.year)
        }

    def _discipline(self, life: _Life, r: Callable[[], float]) -> None:
        life.discipline = None
        if r() >= self.p["discipline_share"] or life.rec_mi + 12 > self.today_mi - 1:
            return
        form_code = self.dis_pick(r())
        form = self.discipline.get(form_code)
        if form is None or life.category not in form.attrs.get("applies_to", ()):
            return
        months = int(form.attrs.get("restriction_months") or 12)
        avoid = [at for at, _ in life.promotions] + life.in_service
        avoid += [m for m in (life.app_mi, life.deputy_mi) if m]
        for _ in range(4):
            at = life.rec_mi + 12 + int(r() * (self.today_mi - life.rec_mi - 12))
            if not any(at <= m < at + months for m in avoid):
                decided = _d(at, 1 + int(r() * 28))
                if form.valid_on(decided) and decided <= self.today:
                    life.discipline = (form, decided, at, months)
                    if decided.year in life.grades:
                        worst = (
                            "not_completed" if life.category != "public_employee" else "completed"
                        )
                        life.grades[decided.year] = (
                            worst if worst in self.grades else life.grades[decided.year]
                        )
                    return

    # -- sections ----------------------------------------------------------------------------------

    def _salary(self, life: _Life) -> list[dict[str, Any]]:
        """Rank, step and coefficient from recruitment to today, stepping every `step_months`
        of the pay group, delayed by discipline and «not completed» years, moved to the nearest
        higher coefficient on promotion, then seniority allowance after the last step."""
        ladder, today_mi = life.ladder, self.today_mi
        rank = ladder[life.rung]
        group = self.pay[rank.attrs["pay_group"]]
        coefs = self.coef[rank.attrs["pay_group"]]
        months = int(group.get("step_months", 36))
        step = 1
        if life.qual_order >= self.qual_order["master"] and len(coefs) > 3:
            step = 2 if life.qual_order == self.qual_order["master"] else 3
        elif rank.attrs["pay_group"] == "A0" and life.qual == "college":
            step = 2
        delays = sorted(
            [(y * 12 + 11, 12) for y, g in life.grades.items() if g == "not_completed"]
            + (
                [
                    (
                        life.discipline[2],
                        int(life.discipline[0].attrs.get("salary_delay_months") or 0),
                    )
                ]
                if life.discipline
                else []
            )
        )
        allowance = self._allowance(life.leader)
        lead_from = life.app_mi or 10**9
        rows = [
            self._pay_row(
                life.rec, rank.code, step, coefs, 0, life.rec_mi >= lead_from and allowance
            )
        ]
        promos = list(life.promotions)
        nxt, over, last = life.rec_mi + months, 0, life.rec_mi
        while True:
            promo_at = promos[0][0] if promos else 10**9
            while delays and delays[0][0] < min(nxt, promo_at):
                if delays[0][0] >= last:
                    nxt += delays[0][1]
                delays.pop(0)
            at = min(nxt, promo_at)
            if at > today_mi:
                break
            if promo_at <= nxt:
                _, rung = promos.pop(0)
                current = float(coefs[step - 1])
                rank = ladder[rung]
                group = self.pay[rank.attrs["pay_group"]]
                coefs = self.coef[rank.attrs["pay_group"]]
                months = int(group.get("step_months", 36))
                step = next((i + 1 for i, c in enumerate(coefs) if float(c) >= current), len(coefs))
                over, nxt = 0, at + months
            elif step < len(coefs):
                step += 1
                nxt = at + months
            else:
                over = (
                    over + 1
                    if over
                    else int(group.get("seniority_allowance", {}).get("first_percent", 5))
                )
                nxt = at + 12
            last = at
            rows.append(
                self._pay_row(
                    _d(at, 1), rank.code, step, coefs, over, at >= lead_from and allowance
                )
            )
        if allowance and life.app_mi and life.app_mi > life.rec_mi:
            self._allowance_row(rows, life, allowance)
        return rows

    def _pay_row(
        self, when: date, rank: str, step: int, coefs: list[str], over: int, allowance: str | bool
    ) -> dict[str, Any]:
        row = {"from_date": when, "rank_code": rank, "step": step, "coefficient": coefs[step - 1]}
        if over:
            row["over_frame_percent"] = over
        if allowance:
            row["position_allowance"] = allowance
        return row

    def _allowance(self, position: str | None) -> str:
        if not position:
            return ""
        value = self.positions[position].attrs.get("allowance")
        return f"{value:.2f}" if isinstance(value, int | float) else ""

    def _allowance_row(self, rows: list[dict[str, Any]], life: _Life, allowance: str) -> None:
        """The position allowance starts on the appointment date: a row of its own unless a
        raise falls on the same day."""
        start = _d(life.app_mi, 1)
        before = [row for row in rows if row["from_date"] < start]
        if any(row["from_date"] == start for row in rows) or not before:
            return
        row = dict(before[-1], from_date=start, position_allowance=allowance)
        rows.insert(len(before), row)

    def _training(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        rows = []
        for qual, begin, end, mode, school, diploma in life.degrees:
            if mode == "work_study" and begin < 2010 * 12:
                mode = "in_service"
            rows.append(
                {
                    "kind": "professional",
                    "institution": school,
                    "field_of_study": life.field_name,
                    "from_date": _d(begin, 5),
                    "to_date": _d(end, 25),
                    "mode": mode,
                    "qualification": qual,
                    "diploma": diploma,
                }
            )
        level = life.political = self._political_level(life, r)
        if level != "none":
            months = int(self.p["political_months"].get(level, 8))
            begin = self._free_month(life, r, life.rec_mi + 24, self.today_mi - months - 1)
            if begin is None:
                life.political = "none"
            else:
                school = self._choice(self.p["political_schools"][level], r).format(
                    province=self._province_name(life)
                )
                rows.append(
                    {
                        "kind": "political_theory",
                        "institution": school,
                        "from_date": _d(begin, 5),
                        "to_date": _d(begin + months, 20),
                        "mode": "work_study" if months > 6 else "short_course",
                        "diploma": self.p["political_diplomas"].get(level, ""),
                    }
                )
        self._state_management(life, r, rows)
        self._certificates(life, r, rows)
        return rows

    def _political_level(self, life: _Life, r: Callable[[], float]) -> str:
        u = r()
        if life.leader:
            level = "advanced" if u < 0.4 else "intermediate" if u < 0.95 else "bachelor"
        elif life.category == "cadre":
            level = "intermediate" if u < 0.6 else "elementary" if u < 0.9 else "advanced"
        elif life.category == "civil_servant":
            level = (
                "none"
                if u < 0.25
                else "elementary"
                if u < 0.65
                else "intermediate"
                if u < 0.97
                else "advanced"
            )
        else:
            level = "none" if u < 0.55 else "elementary" if u < 0.9 else "intermediate"
        return level if level in self.cat["political_theory"] else "none"

    def _state_management(
        self, life: _Life, r: Callable[[], float], rows: list[dict[str, Any]]
    ) -> None:
        rank = life.ladder[life.promotions[-1][1] if life.promotions else life.rung]
        if life.leader:
            code = (
                "leader_department" if self._is_head_of_agency(life.leader) else "leader_division"
            )
        elif life.category == "public_employee":
            code = "professional_title" if r() < 0.6 else ""
        else:
            code = (
                {
                    1: "senior_specialist",
                    2: "principal_specialist",
                    3: "specialist",
                    4: "officer",
                }.get(int(rank.attrs.get("grade_level", 9)), "")
                if r() < 0.8
                else ""
            )
        if code not in self.cat["state_management"]:
            code = ""
        life.state_management = code
        if not code:
            return
        begin = self._free_month(life, r, life.rec_mi + 12, self.today_mi - 4)
        if begin is None:
            life.state_management = ""
            return
        school = self._choice(self.p["state_management_schools"], r).format(
            province=self._province_name(life)
        )
        entry = self.cat["state_management"][code]
        course = _lower_first(entry.name)
        if entry.attrs.get("kind") == "rank_program":
            course = f"bồi dưỡng kiến thức quản lý nhà nước chương trình {course}"
        rows.append(
            {
                "kind": "state_management",
                "institution": school,
                "from_date": _d(begin, 3),
                "to_date": _d(begin + 2, 28),
                "mode": "short_course",
                "diploma": f"Chứng chỉ {course}",
            }
        )

    def _is_head_of_agency(self, position: str) -> bool:
        return position in {
            "director_provincial_department",
            "deputy_director_provincial_department",
            "director_vu",
            "deputy_director_vu",
            "chief_of_office_ministry",
            "department_director_central",
            "deputy_department_director_central",
            "chairman_commune",
        }

    def _certificates(
        self, life: _Life, r: Callable[[], float], rows: list[dict[str, Any]]
    ) -> None:
        reform = int(self.p["certificate_reform_year"])
        languages, levels, it_levels = (
            self.cat["foreign_language"],
            self.cat["foreign_language_level"],
            self.cat["it_level"],
        )
        life.language = life.it = ""
        for kind in ("foreign_language", "it"):
            if r() < 0.1:
                continue
            begin = self._free_month(life, r, life.birth_mi + 12 * 19, self.today_mi - 3)
            if begin is None:
                continue
            legacy = begin // 12 < reform
            if kind == "foreign_language":
                lang = self.lang_pick(r())
                level = (self.lang_old if legacy else self.lang_new)(r())
                if lang not in languages or level not in levels:
                    continue
                text = f"{languages[lang].name} - {levels[level].name}"
                life.language = text
            else:
                level = (self.it_old if legacy else self.it_new)(r())
                if level not in it_levels:
                    continue
                text = it_levels[level].name
                life.it = text
            rows.append(
                {
                    "kind": kind,
                    "institution": "Trung tâm Ngoại ngữ - Tin học " + self._province_name(life),
                    "from_date": _d(begin, 10),
                    "to_date": _d(begin + 2, 15),
                    "mode": "short_course",
                    "diploma": text,
                }
            )

    def _free_month(self, life: _Life, r: Callable[[], float], lo: int, hi: int) -> int | None:
        """A month in [lo, hi] outside the discipline restriction (no training while it runs)."""
        if lo > hi:
            return None
        at = lo + int(r() * (hi - lo + 1))
        if life.discipline:
            start, months = life.discipline[2], life.discipline[3]
            if start <= at < start + months:
                at = start + months
                if at > hi:
                    return None
        return at

    def _party(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        shares = self.p["party_share"]
        share = shares["leader"] if life.leader else shares.get(life.category, shares["default"])
        if r() >= share:
            return []
        lo = max(life.birth_mi + 12 * 18 + 1, life.rec_mi - 48)
        hi = min(self.today_mi - 1, life.birth_mi + 12 * 40)
        if life.leader:
            hi = min(hi, life.app_mi - 12)
        if lo > hi:
            return []
        at = lo + int(r() * (hi - lo + 1))
        admitted = _d(at, 1 + int(r() * 28))
        official = _d(at + 12, admitted.day) if at + 12 <= self.today_mi - 1 else None
        row = {"admission_date": admitted, "official_date": official}
        if official:
            row["card_number"] = f"{int(r() * 90_000_000) + 10_000_000}"
        return [row]

    def _organizations(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        known = self.cat["socio_political_org"]
        rows = []
        youth = life.birth_mi + 12 * 16
        if "doan_thanh_nien" in known and r() < 0.9:
            end = life.birth_mi + 12 * 30
            rows.append(
                {
                    "org_code": "doan_thanh_nien",
                    "role": "Đoàn viên",
                    "from_date": _d(youth, 26),
                    "to_date": _d(end, 26) if end <= self.today_mi - 1 else None,
                }
            )
        if "cong_doan" in known:
            rows.append({"org_code": "cong_doan", "role": "Công đoàn viên", "from_date": life.rec})
        if life.sex == "F" and "hoi_phu_nu" in known and r() < 0.5:
            rows.append({"org_code": "hoi_phu_nu", "role": "Hội viên", "from_date": life.rec})
        if life.veteran and "hoi_cuu_chien_binh" in known and r() < 0.7:
            rows.append(
                {
                    "org_code": "hoi_cuu_chien_binh",
                    "role": "Hội viên",
                    "from_date": _d(life.veteran[1] + 6, 1),
                }
            )
        return rows

    def _military(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        if not life.veteran:
            return []
        enlisted, discharged = life.veteran
        rank = self.military_pick(r())
        unit = self._choice(self.p["military_units"], r).format(province=self._province_name(life))
        return [
            {
                "from_date": _d(enlisted, 15),
                "to_date": _d(discharged, 15),
                "highest_rank_code": rank if rank in self.cat["military_rank"] else "",
                "unit_name": unit,
            }
        ]

    def _discipline_rows(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        if not life.discipline:
            return []
        form, decided, at, months = life.discipline
        until = _d(at + months, decided.day) - timedelta(days=1)
        return [
            {
                "decision_date": decided,
                "form_code": form.code,
                "reason": self._choice(self.p["discipline_reasons"], r),
                "decision_number": f"{1 + int(r() * 900)}/QĐ-{life.unit.issuer_abbr}",
                "issuer": self._issuer(life, decided),
                "effect_from": decided,
                "effect_to": until,
            }
        ]

    def _evaluation_rows(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        rows = []
        for year, grade in life.grades.items():
            row: dict[str, Any] = {"year": year, "grade_code": grade}
            scoring = self.grades[grade].attrs.get("scoring") or {}
            start = scoring.get("valid_from")
            if (
                start
                and f"{year}-12-31" >= start
                and life.category in scoring.get("applies_to", ())
            ):
                low, high = scoring.get("min_score") or 0, scoring.get("max_score") or 100
                row["score"] = f"{low + (high - low) * r() * 0.99:.2f}"
            rows.append(row)
        return rows

    def _health(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        exam = self.today - timedelta(days=20 + int(r() * 380))
        if exam < life.rec:
            exam = life.rec
        male = life.sex == "M"
        height = (158 if male else 148) + int((r() + r() + r()) * (6 if male else 5))
        weight = int(height * height / 10000 * (19 + r() * 6))
        row = {
            "exam_date": exam,
            "status": self.health_pick(r()),
            "height_cm": height,
            "weight_kg": weight,
            "blood_group": self.blood(r()),
        }
        if life.age >= 45 and r() < 0.25:
            row["conditions"] = self._choice(self.p["health_conditions_older"], r)
        return [row]

    def _personal_history(self, life: _Life, r: Callable[[], float]) -> dict[str, Any]:
        abroad = self._choice(self.p["relatives_abroad"], r) if r() < 0.03 else "Không"
        return {
            "declared_on": life.rec,
            "arrests": "Không",
            "former_regime": "Không",
            "foreign_organizations": "Không",
            "relatives_abroad": abroad,
        }

    def _assets(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        if not life.leader:
            return []
        rows = []
        first = max(life.app_mi // 12, self.today.year - 3)
        houses = self._choice(self.p["house_kinds"], r)
        for year in range(first, self.today.year):
            rows.append(
                {
                    "year": year,
                    "declared_on": date(year, 12, 10 + int(r() * 18)),
                    "income": str(int(180_000 + r() * 420_000) * 1000),
                    "houses": f"{houses} tại {life.residence}",
                    "land": f"Quyền sử dụng đất ở {60 + int(r() * 200)} m² "
                    f"tại {life.province_text}",
                    "other_assets": "Xe ô tô con 5 chỗ"
                    if r() < 0.4
                    else "Không có tài sản khác trên 50 triệu đồng",
                }
            )
        return rows

    def _assessments(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        if r() >= 0.3:
            return []
        when = date(self.today.year - 1, 12, 15 + int(r() * 13))
        if when < life.rec:
            return []
        return [{"assessed_on": when, "text": self._choice(self.p["assessment_texts"], r)}]

    # -- career: work history, positions, decisions ------------------------------------------------

    def _career(self, life: _Life, r: Callable[[], float]) -> tuple[list, list, list]:
        unit = life.unit
        joined = max(life.rec, unit.valid_from)
        joined_mi = _mi(joined)
        transfer = 0
        if joined_mi - life.rec_mi >= 48 and unit.siblings and r() < 0.25:
            transfer = life.rec_mi + 24 + int(r() * (joined_mi - life.rec_mi - 36))
        points = {life.rec_mi: life.rec}
        if transfer:
            points[transfer] = _d(transfer, 1)
        if unit.valid_from > life.rec:
            points[joined_mi] = joined
        for at in (life.deputy_mi, life.app_mi):
            if at:  # always at least five years after recruitment
                points[at] = _d(at, 1)
        starts = sorted(points.values())
        old_name = self._old_of(life)
        other = unit.siblings[int(r() * len(unit.siblings))] if unit.siblings else unit.name
        work, positions, events = [], [], []
        previous: dict[str, Any] | None = None
        for index, start in enumerate(starts):
            at = _mi(start)
            title = self._title_at(life, at)
            if transfer and at < transfer:
                place = (
                    unit.current_name.replace("{name}", other)
                    if start >= unit.valid_from
                    else self._former(unit, other, old_name)
                )
            elif start < unit.valid_from:
                place = self._former(unit, unit.name, old_name)
            else:
                place = unit.full_name
            row: dict[str, Any] = {"from_date": start, "unit_name": place, "title": title}
            if start >= unit.valid_from:
                row["organization"] = unit.code
            if index + 1 < len(starts):
                row["to_date"] = starts[index + 1] - timedelta(days=1)
            if previous and previous["unit_name"] == place and previous["title"] == title:
                previous.pop("to_date", None)
                if "to_date" in row:
                    previous["to_date"] = row["to_date"]
                continue
            work.append(row)
            previous = row
        self._position_rows(life, joined, positions, r)
        self._events(life, r, joined, transfer, other, events)
        events.sort(key=lambda row: row["effective_date"])
        return work, positions, events

    def _issuer(self, life: _Life, when: date, top: bool = False) -> str:
        """Who signed a decision on `when`: the agency (or, `top`, the province or ministry)
        as it was named then — before the 2025 merger, in the old province."""
        unit = life.unit
        if when >= unit.valid_from:
            return unit.root_name if top else unit.issuer_name
        former = unit.root_former if top else unit.issuer_former
        return former.replace("{old}", self._old_of(life))

    def _former(self, unit: UnitInfo, name: str, old_name: str) -> str:
        return unit.former_name.replace("{name}", name).replace("{old}", old_name or "")

    def _title_at(self, life: _Life, at: int) -> str:
        if life.leader and life.app_mi and at >= life.app_mi:
            return self.positions[life.leader].name
        if life.deputy and life.deputy_mi and at >= life.deputy_mi:
            return self.positions[life.deputy].name
        rung = life.rung
        for when, promoted in life.promotions:
            if when <= at:
                rung = promoted
        return life.ladder[rung].name

    def _position_rows(self, life: _Life, joined: date, rows: list, r: Callable[[], float]) -> None:
        unit = life.unit
        joined_mi = _mi(joined)
        changes = [(joined, "")]
        for at, code in ((life.deputy_mi, life.deputy), (life.app_mi, life.leader)):
            if code and at:
                if at <= joined_mi:
                    changes = [(joined, code)]
                else:
                    changes.append((_d(at, 1), code))
        for index, (start, code) in enumerate(changes):
            row: dict[str, Any] = {
                "organization": unit.code,
                "position_code": code,
                "is_main": True,
                "from_date": start,
            }
            job = self._job(life, code)
            if job:
                row["job_position"] = job
            if code:
                row["decision_number"] = f"{1 + int(r() * 900)}/QĐ-{unit.issuer_abbr}"
            if index + 1 < len(changes):
                row["to_date"] = changes[index + 1][0] - timedelta(days=1)
            rows.append(row)

    def _job(self, life: _Life, position: str) -> str:
        jobs = life.unit.job_positions
        if not jobs:
            return ""
        if position:
            wanted = job_code(position)
            return next((code for code, _c, _r in jobs if code == wanted), "")
        rank = life.ladder[life.promotions[-1][1] if life.promotions else life.rung].code
        exact = next((code for code, _c, rank_code in jobs if rank_code == rank), "")
        if exact:
            return exact
        return next(
            (
                code
                for code, category, _r in jobs
                if category == life.category and not code.startswith("LD.")
            ),
            "",
        )

    def _events(
        self,
        life: _Life,
        r: Callable[[], float],
        joined: date,
        transfer: int,
        other: str,
        rows: list,
    ) -> None:
        unit, known = life.unit, self.cat["decision_type"]

        def event(kind: str, when: date, summary: str) -> None:
            if kind in known and when <= self.today:
                issuer = self._issuer(life, when)
                signed = max(
                    when - timedelta(days=3 + int(r() * 20)), life.birth + timedelta(days=1)
                )
                rows.append(
                    {
                        "decision_type": kind,
                        "decision_number": f"{1 + int(r() * 2000)}/QĐ-{unit.issuer_abbr}",
                        "signed_date": signed,
                        "issuer": issuer,
                        "effective_date": when,
                        "summary": summary,
                    }
                )

        first_place = other if transfer else unit.name
        event("recruitment", life.rec, f"Tuyển dụng vào làm việc tại {first_place}")
        if transfer:
            event("transfer", _d(transfer, 1), f"Điều động đến công tác tại {unit.name}")
        if unit.valid_from > life.rec:
            event("transfer", joined, f"Bố trí công tác tại {unit.name} sau sắp xếp tổ chức bộ máy")
        for at, rung in life.promotions:
            event("rank_change", _d(at, 1), f"Nâng ngạch, thăng hạng lên {life.ladder[rung].name}")
        for at, code in ((life.deputy_mi, life.deputy), (life.app_mi, life.leader)):
            if code and at:
                event("appointment", _d(at, 1), f"Bổ nhiệm giữ chức vụ {self.positions[code].name}")
                if at + 60 <= self.today_mi and code == life.leader:
                    event(
                        "reappointment",
                        _d(at + 60, 1),
                        f"Bổ nhiệm lại chức vụ {self.positions[code].name}",
                    )

    def _awards(self, life: _Life, r: Callable[[], float]) -> tuple[list[dict[str, Any]], str]:
        known, unit, today = self.awards, life.unit, self.today
        rows: list[dict[str, Any]] = []

        def award(code: str, when: date, reason: str, issuer: str = "") -> None:
            if code in known and life.rec <= when <= today:
                rows.append(
                    {
                        "award_date": when,
                        "form_code": code,
                        "reason": reason,
                        "issuer": issuer or self._issuer(life, when),
                        "decision_number": f"{1 + int(r() * 3000)}/QĐ-{unit.issuer_abbr}",
                    }
                )

        for year, grade in life.grades.items():
            if grade == "excellent" and r() < 0.5:
                award(
                    "emulation_grassroots",
                    date(year + 1, 1, 5 + int(r() * 20)),
                    f"Đạt danh hiệu Chiến sĩ thi đua cơ sở năm {year}",
                )
        service = self.today_mi - life.rec_mi
        for _ in range(service // 72):
            if r() < 0.5:
                at = life.rec_mi + 12 + int(r() * max(service - 12, 1))
                award(
                    "certificate_of_merit",
                    _d(at, 1 + int(r() * 28)),
                    "Có thành tích xuất sắc trong thực hiện nhiệm vụ",
                )
        if service >= 120 and r() < 0.25:
            when = _d(life.rec_mi + 120 + int(r() * (service - 119)), 10)
            award(
                "certificate_ministry_province",
                when,
                "Có thành tích xuất sắc trong công tác",
                self._issuer(life, when, top=True),
            )
        if service >= 240 and r() < 0.2:
            when = _d(life.rec_mi + 240 + int(r() * (service - 239)), 15)
            award(
                "commemorative_medal",
                when,
                "Đã có nhiều đóng góp cho sự nghiệp của ngành",
                self._issuer(life, when, top=True),
            )
        if life.leader and service >= 300 and r() < 0.1:
            award(
                "order_labour_3",
                _d(life.rec_mi + 300 + int(r() * (service - 299)), 2),
                "Có thành tích xuất sắc trong công tác, góp phần xây dựng chủ nghĩa xã hội",
                "Chủ tịch nước",
            )
        honour_code = {"education": "meritorious_teacher", "health": "meritorious_physician"}.get(
            unit.field.split("_")[0]
        )
        if honour_code and life.category == "public_employee" and life.age >= 45 and r() < 0.02:
            award(
                honour_code,
                date(today.year - 1 - int(r() * 5), 11, 20),
                "Danh hiệu vinh dự nhà nước",
                "Chủ tịch nước",
            )
        rows.sort(key=lambda row: row["award_date"])
        titles = [
            row["form_code"] for row in rows if known[row["form_code"]].attrs.get("kind") == "title"
        ]
        best = min(titles, key=lambda c: known[c].attrs.get("prestige_order", 999), default="")
        return rows, known[best].name if best else ""

    # -- family ------------------------------------------------------------------------------------

    def _family(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        p, by, this_year = self.p, life.birth.year, self.today.year
        parents_home = self._place_text(life.old_home, r)
        family = life.family_name
        rows: list[dict[str, Any]] = []
        jobs_old = p["occupations_parent"]

        def member(
            side: str,
            relation: str,
            name: str,
            born: int,
            occupation: str,
            residence: str,
            mortal: bool = True,
        ) -> None:
            row = {
                "side": side,
                "relation_code": relation,
                "full_name": name,
                "birth_year": born,
                "home_town": parents_home if side == "own" else residence,
                "occupation": occupation,
                "residence": residence,
            }
            age = this_year - born
            if mortal and age >= 55:
                risk = 0.2 if age < 70 else 0.45 if age < 80 else 0.75 if age < 90 else 0.98
                if r() < risk:
                    died = max(born + 40, by) + int(r() * (this_year - max(born + 40, by) + 1))
                    row["death_year"] = min(died, this_year)
                    row["occupation"] = "Đã mất"
            rows.append(row)

        father_born = by - 22 - int(r() * 18)
        mother_born = by - 20 - int(r() * 16)
        member(
            "own",
            "father",
            self._given("M", father_born, r, family),
            father_born,
            self._choice(jobs_old, r),
            parents_home,
        )
        member(
            "own",
            "mother",
            self._given("F", mother_born, r, self._family_name(life.old_home, r)),
            mother_born,
            self._choice(jobs_old, r),
            parents_home,
        )
        for _ in range(int(r() * 3.2)):
            born = by + (-1 if r() < 0.5 else 1) * (2 + int(r() * 6))
            if born > this_year - 1:
                continue
            sex = "M" if r() < 0.5 else "F"
            relation = (
                "younger_sibling"
                if born > by
                else "older_brother"
                if sex == "M"
                else "older_sister"
            )
            name = self._given(sex, born, r, family)
            if name == life.full_name:  # parents do not give two children one name
                name = self._given(sex, born, r, family)
            member("own", relation, name, born, self._child_job(this_year - born, r), parents_home)
        self._spouse_and_children(life, r, member)
        for order, row in enumerate(rows):
            row["order"] = order
        return rows

    def _spouse_and_children(self, life: _Life, r: Callable[[], float], member: Callable) -> None:
        age, by, this_year = life.age, life.birth.year, self.today.year
        married_share = 0.15 if age < 25 else 0.5 if age < 28 else 0.78 if age < 32 else 0.92
        if r() >= married_share:
            life.marital = "Chưa kết hôn"
            return
        life.marital = "Đã kết hôn"
        male = life.sex == "M"
        spouse_born = by + int(r() * 6) if male else by - int(r() * 6)
        spouse_home = self.any_old[int(r() * len(self.any_old))] if r() < 0.4 else life.old_home
        spouse_family = self._family_name(spouse_home, r)
        spouse_sex = "F" if male else "M"
        member(
            "own",
            "spouse_wife" if male else "spouse_husband",
            self._given(spouse_sex, spouse_born, r, spouse_family),
            spouse_born,
            self._choice(self.p["occupations_adult"], r),
            life.residence,
            mortal=False,
        )
        married = min(by + 23 + int(r() * 8), this_year)
        child_family = life.family_name if male else spouse_family
        born = married + 1 + int(r() * 3)
        for _ in range(int(r() * 4)):
            if born > this_year:
                break
            sex = "M" if r() < 0.51 else "F"
            member(
                "own",
                "child",
                self._given(sex, born, r, child_family),
                born,
                self._child_job(this_year - born, r),
                life.residence,
                mortal=False,
            )
            born += 2 + int(r() * 5)
        spouse_father = spouse_born - 22 - int(r() * 15)
        place = self._place_text(spouse_home, r)
        member(
            "spouse",
            "spouse_father",
            self._given("M", spouse_father, r, spouse_family),
            spouse_father,
            self._choice(self.p["occupations_parent"], r),
            place,
        )
        spouse_mother = spouse_born - 20 - int(r() * 14)
        member(
            "spouse",
            "spouse_mother",
            self._given("F", spouse_mother, r, self._family_name(spouse_home, r)),
            spouse_mother,
            self._choice(self.p["occupations_parent"], r),
            place,
        )

    def _child_job(self, age: int, r: Callable[[], float]) -> str:
        jobs = self.p["occupations_child"]
        if age < 6:
            return jobs["young"]
        if age < 18:
            return jobs["school"]
        if age < 22 and r() < 0.7:
            return jobs["student"]
        return self._choice(self.p["occupations_adult"], r)

    # -- identity, employment, qualifications ------------------------------------------------------

    def _identity(self, life: _Life, r: Callable[[], float]) -> dict[str, Any]:
        unit, p = life.unit, self.p
        old = self.old[life.old_birth]
        pid_code = str(old.attrs["personal_id_code"])
        birth = life.birth
        digit = (birth.year // 100 - 19) * 2 + (1 if life.sex == "F" else 0)
        prefix = f"{pid_code}{digit}{birth.year % 100:02d}"
        serial_index = self.serials.get(prefix, 0)
        self.serials[prefix] = serial_index + 1
        serial = (serial_index * _SERIAL_STRIDE + int(prefix) * 40_503) % _SERIAL_SPACE
        pid = identity.generate(
            province_code=pid_code, birth_year=birth.year, sex=life.sex, serial=serial
        )
        province_text = self._province_name(life, full=True)
        life.province_text = province_text
        residence = self._address(unit.province_code, province_text, r)
        life.residence = residence
        issued = max(
            date(2021, 3, 1) + timedelta(days=int(r() * 1400)),
            date(birth.year + 14, birth.month, 1),
        )
        issued = min(issued, self.today - timedelta(days=1))
        full_name = self._given(life.sex, birth.year, r, life.family_name)
        ident = {
            "personal_id": pid,
            "full_name": full_name,
            "birth_date": birth,
            "sex": life.sex,
            "birth_place": self._place_text(life.old_birth, r),
            "birth_place_code": life.old_birth,
            "home_town": self._place_text(life.old_home, r),
            "home_town_code": life.old_home,
            "ethnicity": self.ethnicity(r()),
            "religion": self.religion(r()),
            "nationality": "VN",
            "permanent_residence": residence,
            "current_residence": residence
            if r() < 0.8
            else self._address(unit.province_code, province_text, r),
            "phone": self._choice(p["phone_prefixes"], r) + f"{int(r() * 10_000_000):07d}",
            "id_issue_date": issued,
            "id_issue_place": "Bộ Công an"
            if issued >= date(2024, 7, 1)
            else "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
            "social_insurance_number": f"{unit.province_code or '01'}{int(r() * 100_000_000):08d}",
        }
        ident["health_insurance_number"] = (
            f"HC4{unit.province_code or '01'}{ident['social_insurance_number']}"
        )
        if birth.year < 2000 and r() < 0.6:
            ident["old_id_number"] = f"{int(r() * 900_000_000) + 100_000_000}"
        if r() < 0.7:
            ident["email"] = self._email(full_name, unit, r)
        life.full_name = full_name
        return ident

    def _employment(self, life: _Life, r: Callable[[], float], index: int) -> dict[str, Any]:
        unit, p = life.unit, self.p
        if life.leader:
            deputy = "deputy" in life.leader or "vice" in life.leader
            duties = p["lead_duties"]["deputy" if deputy else "head"].format(unit=unit.name)
        else:
            pool = p["duties"].get(unit.field.split("_")[0]) or p["duties"]["admin"]
            if life.category != "public_employee" and unit.field.split("_")[0] in {
                "education",
                "health",
            }:
                pool = p["duties"]["admin"]
            duties = self._choice(pool, r)
        degrees = life.degrees
        fresh = degrees and life.rec_mi - degrees[0][2] <= 6
        occupation = "Sinh viên mới tốt nghiệp" if fresh else "Lao động hợp đồng"
        return {
            "file_number": f"{unit.issuer_abbr}-{index + 1:07d}",
            "staff_category": life.category,
            "managing_agency": unit.managing_agency,
            "current_unit": unit.code,
            "status": "working",
            "occupation_at_recruitment": occupation,
            "recruitment_date": life.rec,
            "recruitment_agency": self._issuer(life, life.rec),
            "main_duties": duties,
        }

    def _old_of(self, life: _Life) -> str:
        """The old province the unit was in before the merger, as «tỉnh Nam Định»: the one the
        person was born in when it is among the predecessors, else the first predecessor."""
        olds = self.successors.get(life.unit.province_code) or []
        code = life.old_birth if life.old_birth in olds else (olds[0] if olds else life.old_birth)
        old = self.old.get(code)
        return _lower_first(str(old.attrs.get("full_name") or old.name)) if old else ""

    def _qualifications(self, life: _Life, r: Callable[[], float], honour: str) -> dict[str, Any]:
        born, north = life.birth.year, life.old_birth <= "44"
        if life.qual_order <= self.qual_order.get("elementary", 1) and r() < 0.3:
            education = "9_12"
        elif born <= 1972 and north and r() < 0.85:
            education = "10_10"
        else:
            education = "12_12"
        if education not in self.cat["general_education"]:
            education = next(iter(self.cat["general_education"]))
        out = {
            "general_education": education,
            "highest_qualification": life.qual,
            "qualification_field": life.field_name if life.qual_order >= 2 else "",
            "political_theory": life.political,
            "state_management": life.state_management,
            "foreign_language": life.language,
            "it_level": life.it,
            "highest_honour": honour,
        }
        if r() < 0.03:
            policy = list(self.cat["policy_family"])
            out["policy_family"] = policy[int(r() * len(policy))]
        return out

    def _leave_gaps(self, data: dict[str, Any], r: Callable[[], float]) -> None:
        """A few dossiers miss required items, as real ones do (completeness reports need them)."""
        if r() >= 0.08:
            return
        gaps = (
            ("identity", "social_insurance_number"),
            ("identity", "id_issue_date"),
            ("qualifications", "it_level"),
            ("qualifications", "foreign_language"),
            ("health", None),
        )
        section, name = gaps[int(r() * len(gaps))]
        if name is None:
            data[section] = []
        else:
            data[section].pop(name, None)

    # -- text helpers ------------------------------------------------------------------------------

    def _choice(self, items: Sequence[str], r: Callable[[], float]) -> str:
        return items[int(r() * len(items))]

    def _province_name(self, life: _Life, full: bool = False) -> str:
        entry = self.province.get(life.unit.province_code)
        if entry is None:
            return ""
        if not full:
            return entry.name.removeprefix("Thành phố ")
        return (
            _lower_first(entry.name) if entry.name.startswith("Thành phố") else f"tỉnh {entry.name}"
        )

    def _place_text(self, old_code: str, r: Callable[[], float]) -> str:
        """«Xã Hải Hậu, tỉnh Nam Định»: a commune of today in an old province."""
        communes, full = self.places.get(old_code, ([""], ""))
        commune = communes[int(r() * len(communes))]
        return f"{commune}, {full}" if commune else full

    def _address(self, province_code: str, province_text: str, r: Callable[[], float]) -> str:
        communes = self.communes.get(province_code) or [""]
        commune = communes[int(r() * len(communes))]
        if commune.startswith("Xã"):
            return f"Thôn {1 + int(r() * 15)}, {_lower_first(commune)}, {province_text}"
        street = self.street_pool[int(r() * len(self.street_pool))]
        return f"Số {1 + int(r() * 300)}, đường {street}, {_lower_first(commune)}, {province_text}"

    def _email(self, full_name: str, unit: UnitInfo, r: Callable[[], float]) -> str:
        """Government style: given name then initials, «Nguyễn Văn Hùng» → hungnv…@domain."""
        *others, given = [self._ascii(word) for word in full_name.split(" ")]
        local = given + "".join(word[0] for word in others)
        return f"{local}{int(r() * 100)}@{unit.email_domain}"

    def _ascii(self, word: str) -> str:
        plain = self.ascii.get(word)
        if plain is None:  # a few hundred distinct words: cached for good
            from hoso.core.text import normalize

            plain = self.ascii[word] = normalize(word).replace(" ", "")
        return plain


def generate_dossiers(
    *,
    count: int,
    seed: int,
    units: Sequence[UnitInfo],
    today: date,
    catalogs: Catalogs,
    start: int = 0,
    serial_start: Mapping[str, int] | None = None,
) -> Iterator[dict[str, Any]]:
    """`count` dossiers of people `start … start + count − 1` of seed `seed`.

    `serial_start` maps a personal-id prefix (first six digits) to how many numbers with that
    prefix already exist, so new numbers never collide with them (see `id_prefix_counts`).
    """
    return Population(
        seed=seed, units=units, today=today, catalogs=catalogs, serial_start=serial_start
    ).dossiers(count, start)


def allocation_for(headcounts: Mapping[tuple[str, str], int]) -> list[tuple[str, str]]:
    """(unit code, staff category) for each person, so that each pair gets its headcount and
    the pairs are interleaved evenly (any first n people are spread like the whole)."""
    slots = [
        ((k + 0.5) / count, unit, category)
        for (unit, category), count in sorted(headcounts.items())
        for k in range(count)
    ]
    return [(unit, category) for _, unit, category in sorted(slots)]


# --- reading the node's catalogs and organization tree (ORM, once per run) ----------------------


def load_catalogs() -> dict[str, list[Entry]]:
    """Every version of the catalogs the generator uses, oldest first."""
    from django.db.models import F

    from hoso.catalog.models import CatalogEntry

    out: dict[str, list[Entry]] = {name: [] for name in CATALOGS}
    # Undated versions are the oldest; both databases must agree on where NULL sorts.
    rows = CatalogEntry.objects.filter(catalog_id__in=CATALOGS).order_by(
        "catalog_id", F("valid_from").asc(nulls_first=True), "sort_order"
    )
    for catalog, code, name, attrs, parent, start, end in rows.values_list(
        "catalog_id", "code", "name", "attrs", "parent_code", "valid_from", "valid_to"
    ):
        out[catalog].append(Entry(code, name, attrs or {}, parent, start, end))
    return out


_FIELD_WORDS = (
    ("Mầm non", "education_preschool"),
    ("Tiểu học", "education_primary"),
    ("Trung học cơ sở", "education_lower_secondary"),
    ("Giáo dục", "education"),
    ("Bệnh viện", "health"),
    ("Y tế", "health"),
    ("Tài chính", "finance"),
    ("Tư pháp", "law"),
    ("Thanh tra", "inspection"),
)


def _field_of(names: list[str]) -> str:
    """What a unit works on, from its name and its agency's (the ranks and studies follow)."""
    for name in names:
        for word, field_key in _FIELD_WORDS:
            if word in name:
                return field_key
        if name.startswith("Trường "):
            return "education"
    return "admin"


def job_code(position: str) -> str:
    """Code of the job position that goes with a leadership position (≤ 32 characters):
    «deputy_head_division_provincial» → LD.DHDP."""
    return "LD." + "".join(part[0] for part in position.split("_")).upper()


def _leadership_of(org: Any, parent: Any, field_key: str) -> str:
    kind = org.kind
    if kind == "public_unit":
        return {"education": "school", "health": "hospital"}.get(field_key.split("_")[0], "")
    if kind == "division":
        central = parent is not None and parent.kind in {
            "ministry",
            "department_central",
            "general_department",
        }
        return "ministry_division" if central else "province_division"
    if kind == "department_central":
        if org.name.startswith("Văn phòng"):
            return "ministry_office"
        return "ministry_cuc" if org.name.startswith("Cục") else "ministry_vu"
    return {
        "provincial_department": "province_department",
        "sub_department": "sub_department",
        "commune_committee": "commune",
    }.get(kind, "")


def load_units(codes: Sequence[str] | None = None, *, on: date) -> list[UnitInfo]:
    """The leaf units valid on `on` (under `codes` when given), weighted by their staffing
    quotas of that year, or by a typical size for their kind when they have none."""
    from hoso.catalog.models import CatalogEntry
    from hoso.orgs.models import JobPosition, Organization, StaffingQuota
    from hoso.orgs.selectors import valid_on

    orgs = {o.pk: o for o in Organization.objects.filter(valid_on(on))}
    by_code = {o.code: o for o in orgs.values()}
    unknown = [c for c in codes or () if c not in by_code]
    if unknown:
        raise DomainError("unknown_unit", "Không có đơn vị: " + ", ".join(unknown) + ".")
    parents = {o.parent_id for o in orgs.values() if o.parent_id}
    roots = [by_code[c].path for c in codes or ()]
    leaves = [
        o
        for o in orgs.values()
        if o.pk not in parents and (not roots or any(o.path.startswith(p) for p in roots))
    ]
    quotas: dict[int, dict[str, float]] = {}
    for org_id, category, quota in StaffingQuota.objects.filter(year=on.year).values_list(
        "organization_id", "staff_category", "quota"
    ):
        quotas.setdefault(org_id, {})[category] = float(quota)
    jobs: dict[int, list[tuple[str, str, str]]] = {}
    for org_id, code, category, rank in JobPosition.objects.filter(valid_on(on)).values_list(
        "organization_id", "code", "staff_category", "rank_code"
    ):
        jobs.setdefault(org_id, []).append((code, category, rank))
    provinces = dict(CatalogEntry.objects.filter(catalog_id="province").values_list("code", "name"))
    units = [
        _unit_info(o, orgs, quotas, jobs, provinces) for o in sorted(leaves, key=lambda o: o.path)
    ]
    by_agency: dict[str, list[str]] = {}
    for unit in units:
        by_agency.setdefault(unit.managing_agency, []).append(unit.name)
    return [
        UnitInfo(
            **{
                **unit.__dict__,
                "siblings": tuple(n for n in by_agency[unit.managing_agency] if n != unit.name),
            }
        )
        for unit in units
    ]


def _unit_info(
    org: Any, orgs: dict[int, Any], quotas: dict, jobs: dict, provinces: dict
) -> UnitInfo:
    chain = [orgs[int(i)] for i in org.path.strip("/").split("/") if i and int(i) in orgs]
    root = chain[0]
    agency = chain[1] if len(chain) > 1 and root.kind == "provincial_committee" else root
    province = next((o.admin_unit_code for o in reversed(chain) if len(o.admin_unit_code) == 2), "")
    if not province and root.kind == "provincial_committee":
        province = next((o.admin_unit_code[:2] for o in chain if o.admin_unit_code), "")
    province = province or "01"  # unknown: Hà Nội, where central agencies sit
    field_key = _field_of([o.name for o in reversed(chain[1:])] or [org.name])
    texts = _unit_texts(chain, agency, provinces.get(province, ""))
    parent = orgs.get(org.parent_id) if org.parent_id else None
    return UnitInfo(
        code=org.code,
        name=org.name,
        kind=org.kind,
        managing_agency=agency.code,
        province_code=province,
        full_name=texts["current_name"].replace("{name}", org.name),
        valid_from=org.valid_from,
        weight=sum(quotas.get(org.pk, {}).values()) or _DEFAULT_WEIGHT.get(org.kind, 10.0),
        field=field_key,
        leadership=_leadership_of(org, parent, field_key),
        categories=tuple(sorted(quotas.get(org.pk, {}).items())),
        job_positions=tuple(jobs.get(org.pk, ())),
        issuer_abbr=_initials(agency.name),
        provincial=root.kind == "provincial_committee",
        **texts,
    )


def _unit_texts(chain: list[Any], agency: Any, province_name: str) -> dict[str, str]:
    """How work histories and decisions name the unit and its agency, today and before the
    2025 merger ("{old}" = the old province, e.g. «tỉnh Nam Định»)."""
    from hoso.core.text import normalize

    root = chain[0]
    above = "".join(f", {o.name}" for o in reversed(chain[1:-1]))  # between unit and root
    if root.kind != "provincial_committee":
        name = f"{{name}}{above}, {root.name}" if chain[1:] else "{name}"
        domain = _initials(root.name).lower() + ".gov.vn"
        return {
            "current_name": name,
            "former_name": name,
            "issuer_name": root.name,
            "issuer_former": root.name,
            "root_name": root.name,
            "root_former": root.name,
            "email_domain": domain,
        }
    where = (
        _lower_first(province_name)
        if province_name.startswith("Thành phố")
        else f"tỉnh {province_name}"
    )
    commune = agency.kind == "commune_committee"
    joiner, before = (", ", " (trước sắp xếp),") if commune else (" ", "")
    # «Thanh tra tỉnh» + «tỉnh Ninh Bình» reads «Thanh tra tỉnh Ninh Bình».
    label = agency.name.removesuffix(" tỉnh")
    if agency is root:
        issuer, issuer_former = root.name, "Ủy ban nhân dân {old}"
    else:
        issuer, issuer_former = f"{label}{joiner}{where}", f"{label}{before} {{old}}"
    above = above.removesuffix(" tỉnh")
    return {
        "current_name": f"{{name}}{above}{joiner}{where}",
        "former_name": f"{{name}}{above}{before} {{old}}",
        "issuer_name": issuer,
        "issuer_former": issuer_former,
        "root_name": root.name,
        "root_former": "Ủy ban nhân dân {old}",
        "email_domain": normalize(province_name.removeprefix("Thành phố ")).replace(" ", "")
        + ".gov.vn",
    }


def present_state() -> Present:
    """Headcount and filled leadership posts per unit, from the dossiers already stored."""
    from django.db.models import Count

    from hoso.people.models import Person, StaffStatus

    rows = (
        Person.objects.filter(status=StaffStatus.WORKING)
        .values_list("current_unit__code", "current_position_code")
        .annotate(n=Count("id"))
    )
    headcount: dict[str, int] = {}
    posts: dict[tuple[str, str], int] = {}
    for unit, position, n in rows:
        headcount[unit] = headcount.get(unit, 0) + n
        if position:
            posts[(unit, position)] = n
    return Present(headcount, posts)


def id_prefix_counts() -> dict[str, int]:
    """How many dossiers exist per personal-id prefix (6 digits): new serials start after them."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from hoso.people.models import Person

    rows = (
        Person.objects.annotate(prefix=Substr("personal_id", 1, 6))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    return {row["prefix"]: row["n"] for row in rows}


@dataclass
class SeedResult:
    created: int
    seconds: float
    units: int

    @property
    def rate(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


@dataclass
class SeedPlan:
    """A checked, ready-to-run seeding: catalogs, units and numbering are settled before any
    progress is shown, so a missing prerequisite fails fast with its reason."""

    population: Population
    count: int
    start: int
    today: date

    def run(
        self, *, batch_size: int = 1000, on_progress: Callable[[int], None] | None = None
    ) -> SeedResult:
        import time

        from hoso.people.services import dossiers_bulk_create

        began = time.perf_counter()
        created = dossiers_bulk_create(
            acting_user=None,
            dossiers=self.population.dossiers(self.count, self.start),
            all_or_nothing=False,
            batch_size=batch_size,
            today=self.today,
            on_progress=on_progress,
        )
        units = len(self.population.unit_pick.items)
        return SeedResult(created=len(created), seconds=time.perf_counter() - began, units=units)


def seed_plan(
    *,
    count: int,
    seed: int,
    unit_codes: Sequence[str] | None = None,
    today: date | None = None,
    allocation: Sequence[tuple[str, str]] = (),
) -> SeedPlan:
    """Prepare seeding `count` people into the leaf units (under `unit_codes` if given).

    Re-runnable: people are numbered after those already present, and personal-id serials
    continue per prefix, so a second run with the same seed adds new people instead of
    colliding with the first run's.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from hoso.core.dates import today as local_today
    from hoso.people.models import Person

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise DomainError("not_migrated", "Cơ sở dữ liệu chưa được khởi tạo: chạy «hoso migrate».")
    today = today or local_today()
    catalogs = load_catalogs()
    require_catalogs(catalogs)
    units = load_units(unit_codes, on=today)
    if not units:
        raise DomainError("no_units", NO_UNITS)
    population = Population(
        seed=seed,
        units=units,
        today=today,
        catalogs=catalogs,
        serial_start=id_prefix_counts(),
        present=present_state(),
        allocation=allocation,
    )
    return SeedPlan(population, count, Person.objects.count(), today)


def seed_people(
    *,
    count: int,
    seed: int,
    batch_size: int = 1000,
    unit_codes: Sequence[str] | None = None,
    today: date | None = None,
    on_progress: Callable[[int], None] | None = None,
    allocation: Sequence[tuple[str, str]] = (),
) -> SeedResult:
    """Generate `count` people and write them through `people.services` (see `seed_plan`;
    `allocation` as in `Population`)."""
    plan = seed_plan(
        count=count, seed=seed, unit_codes=unit_codes, today=today, allocation=allocation
    )
    return plan.run(batch_size=batch_size, on_progress=on_progress)
