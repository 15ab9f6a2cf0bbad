"""Family: parents, siblings, spouse and children.

A part of `Population` (see `generator`): its methods draw from `self`'s tables and the
person's own `Random`, in the order `Population.dossier` calls them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoso.demo.population.basics import _Life


class FamilyMixin:
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
