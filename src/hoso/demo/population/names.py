"""Who a person is: unit, sex, birth, places and a Vietnamese name.

A part of `Population` (see `generator`): its methods draw from `self`'s tables and the
person's own `Random`, in the order `Population.dossier` calls them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hoso.core.text import normalize
from hoso.demo.population.basics import _Life, _lower_first, _mi, retirement_month
from hoso.demo.population.inputs import UnitInfo


class NamesMixin:
    def _who(self, life: _Life, r: Callable[[], float], index: int, first: float) -> None:
        """`first` is the person's first draw, already taken to place them (`_placed`)."""
        unit = self.unit_pick(first)
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
            plain = self.ascii[word] = normalize(word).replace(" ", "")
        return plain
