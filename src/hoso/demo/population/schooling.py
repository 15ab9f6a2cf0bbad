"""Schooling, degrees, training courses, political theory, state management and certificates.

A part of `Population` (see `generator`): its methods draw from `self`'s tables and the
person's own `Random`, in the order `Population.dossier` calls them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoso.demo.population.basics import _d, _Life, _lower_first, _Pick
from hoso.demo.population.inputs import Entry


class SchoolingMixin:
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
