"""The identity, employment and qualification sections, health, personal history and assets.

A part of `Population` (see `generator`): its methods draw from `self`'s tables and the
person's own `Random`, in the order `Population.dossier` calls them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from hoso import identity
from hoso.core.errors import DomainError
from hoso.demo.population.basics import _Life, _lower_first
from hoso.demo.population.inputs import _SERIAL_SPACE, _SERIAL_STRIDE, SHARDS


class ProfileMixin:
    def _identity(self, life: _Life, r: Callable[[], float]) -> dict[str, Any]:
        unit, p = life.unit, self.p
        old = self.old[life.old_birth]
        pid_code = str(old.attrs["personal_id_code"])
        birth = life.birth
        digit = (birth.year // 100 - 19) * 2 + (1 if life.sex == "F" else 0)
        prefix = f"{pid_code}{digit}{birth.year % 100:02d}"
        # Serial numbers interleave the shards (index k of shard s is SHARDS·k + s), so
        # workers owning different shards never take the same one, whatever their number;
        # a later run starts past SHARDS × what the node holds, beyond any earlier run's.
        shard = self.unit_shard[unit.code]
        count = self.serials.get((prefix, shard), 0)
        self.serials[(prefix, shard)] = count + 1
        serial_index = SHARDS * (self.serial_base.get(prefix, 0) + count) + shard
        if serial_index >= _SERIAL_SPACE:
            raise DomainError(
                "serials_exhausted",
                f"Hết số định danh giả lập cho tiền tố {prefix}: dùng --seed khác.",
            )
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
