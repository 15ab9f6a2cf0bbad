"""What the national population database says about one citizen, and how an answer is judged.

The fields are the part of Luật Căn cước 2023 Art. 9 that hoso keeps in a dossier's identity
section (DOMAIN.md "Population database"); the rest of Art. 9 is not asked for (data minimisation,
R-POPULATION). Every lookup ends in exactly one typed outcome, never an exception, so a caller
cannot forget the slow, down or wrong cases: ``Found``, ``NotFound``, ``Unavailable`` or
``InvalidAnswer``. Pure domain code: no Django.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

from hoso import identity


class Code(StrEnum):
    """Stable codes of a lookup's outcome: the API contract, so never rename one."""

    FOUND = "population_found"
    NOT_FOUND = "population_not_found"
    UNAVAILABLE = "population_unavailable"
    TIMEOUT = "population_timeout"
    INVALID_ANSWER = "population_invalid_answer"
    CONTRADICTS_ID = "population_contradicts_id"
    NOT_CONFIGURED = "population_not_configured"


MESSAGES = {
    Code.FOUND: "Thông tin nhân thân lấy từ Cơ sở dữ liệu quốc gia về dân cư.",
    Code.NOT_FOUND: "Cơ sở dữ liệu quốc gia về dân cư không có số định danh này; "
    "thông tin nhân thân được nhập tay và đánh dấu là chưa xác thực.",
    Code.UNAVAILABLE: "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư; "
    "thông tin nhân thân được nhập tay và đánh dấu là chưa xác thực.",
    Code.TIMEOUT: "Cơ sở dữ liệu quốc gia về dân cư không trả lời kịp; "
    "thông tin nhân thân được nhập tay và đánh dấu là chưa xác thực.",
    Code.INVALID_ANSWER: "Cơ sở dữ liệu quốc gia về dân cư trả lời không đúng định dạng; "
    "thông tin nhân thân được nhập tay và đánh dấu là chưa xác thực.",
    Code.CONTRADICTS_ID: "Câu trả lời của Cơ sở dữ liệu quốc gia về dân cư mâu thuẫn với số "
    "định danh (năm sinh hoặc giới tính) nên không được dùng; thông tin nhân thân được nhập "
    "tay và đánh dấu là chưa xác thực.",
    Code.NOT_CONFIGURED: "Chưa cấu hình kết nối Cơ sở dữ liệu quốc gia về dân cư; "
    "thông tin nhân thân được nhập tay và đánh dấu là chưa xác thực.",
}


@dataclass(frozen=True)
class CitizenRecord:
    """One citizen as the population database answers (Luật Căn cước 2023 Art. 9, cl. 1)."""

    personal_id: str  # số định danh cá nhân (Art. 9.1.c)
    full_name: str  # họ, chữ đệm và tên khai sinh (a)
    birth_date: date  # ngày, tháng, năm sinh (d)
    sex: str  # giới tính (đ): "M" or "F", as in the dossier
    other_names: str = ""  # tên gọi khác (b)
    birth_place: str = ""  # nơi đăng ký khai sinh (e)
    home_town: str = ""  # quê quán (g)
    ethnicity: str = ""  # dân tộc (h)
    religion: str = ""  # tôn giáo (i)
    nationality: str = "VN"  # quốc tịch (k)
    marital_status: str = ""  # tình trạng hôn nhân (q)
    permanent_residence: str = ""  # nơi thường trú (n)
    temporary_residence: str = ""  # nơi tạm trú (o)
    current_residence: str = ""  # nơi ở hiện tại (p)
    death_date: date | None = None  # ngày, tháng, năm chết (u)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["birth_date"] = self.birth_date.isoformat()
        out["death_date"] = self.death_date.isoformat() if self.death_date else None
        return out

    @classmethod
    def from_json(cls, doc: Any) -> CitizenRecord:
        """Parse an answer; raises ``ValueError`` naming what is wrong with it."""
        if not isinstance(doc, dict):
            raise ValueError("answer is not an object")
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for name in known:
            value = doc.get(name)
            if value is None:
                continue
            if name in ("birth_date", "death_date"):
                if not isinstance(value, str):
                    raise ValueError(f"{name} is not a date")
                value = date.fromisoformat(value)
            elif not isinstance(value, str):
                raise ValueError(f"{name} is not text")
            values[name] = value
        for name in ("personal_id", "full_name", "birth_date", "sex"):
            if not values.get(name):
                raise ValueError(f"{name} is missing")
        if values["sex"] not in ("M", "F"):
            raise ValueError("sex is neither M nor F")
        return cls(**values)


@dataclass(frozen=True)
class Found:
    record: CitizenRecord
    code: str = Code.FOUND


@dataclass(frozen=True)
class Failed:
    """Not found, unavailable, timed out, malformed or contradicting the id: the fields are
    typed by hand and marked unverified; ``detail`` is for the audit trail, never shown."""

    code: str
    detail: str = ""

    @property
    def message(self) -> str:
        return MESSAGES[Code(self.code)]


Outcome = Found | Failed


def judged(personal_id: str, record: CitizenRecord) -> Outcome:
    """An answer about another id, or one that contradicts the id's encoded birth year or sex
    (DOMAIN.md: shown as an error, never silently accepted), is flagged and not used."""
    if record.personal_id != personal_id:
        return Failed(Code.INVALID_ANSWER, "answer names another personal id")
    errors = identity.validate(personal_id, birth_date=record.birth_date, sex=record.sex)
    if errors:
        return Failed(Code.CONTRADICTS_ID, "; ".join(e.code for e in errors))
    return Found(record)
