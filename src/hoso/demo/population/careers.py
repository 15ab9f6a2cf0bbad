"""Careers: leadership, promotions, evaluations, discipline, Party and mass organizations,
military service, work history, positions, decisions and awards.

A part of `Population` (see `generator`): its methods draw from `self`'s tables and the
person's own `Random`, in the order `Population.dossier` calls them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from hoso.demo.population.basics import _d, _Life, _mi, job_code
from hoso.demo.population.inputs import UnitInfo


class CareerMixin:
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

    def _assessments(self, life: _Life, r: Callable[[], float]) -> list[dict[str, Any]]:
        if r() >= 0.3:
            return []
        when = date(self.today.year - 1, 12, 15 + int(r() * 13))
        if when < life.rec:
            return []
        return [{"assessed_on": when, "text": self._choice(self.p["assessment_texts"], r)}]

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
