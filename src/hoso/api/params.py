"""Bounded parameter types of the API and the status codes every operation declares.

Every integer and date the API takes has limits, so that no input reaches the database or
date arithmetic outside what they can hold (issue 15.6: `age_max=10000`, `page=10**26` and
`page_size=-3924964189` were 500s). The limits are named here or in settings; the OpenAPI
states them (`minimum`/`maximum`; dates in the description, JSON Schema has no date bounds),
and a value outside them is a 422 with a Vietnamese message (`errors.py`).

Dates are ISO `YYYY-MM-DD` text only: pydantic would otherwise read `0.0` or `1700000000` as a
Unix time, and a repeated query parameter as its last value.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from hoso.api.schemas import ErrorOut

# Limits of this API, not numbers from law.
DATE_MIN = date(1900, 1, 1)  # no civil servant's record starts earlier
DATE_MAX = date(2100, 12, 31)  # the end of the working-day calendar (calendar.engine.LAST_DAY)
PAGE_MAX = 100_000  # far past any real list; keeps OFFSET within the database's integers
PAGE_SIZE_MAX = 100
AGE_MAX = 120
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
ID_MAX = 2**63 - 1  # the largest primary key of a 64-bit integer column

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid", "Ngày «{value}» không có trong lịch.", {"value": value}
            ) from None
    else:
        raise PydanticCustomError("date_format", "Ngày phải viết dạng YYYY-MM-DD.")
    if not DATE_MIN <= day <= DATE_MAX:
        raise PydanticCustomError(
            "date_out_of_range",
            "Ngày phải trong khoảng {first} – {last}.",
            {"first": f"{DATE_MIN:%d/%m/%Y}", "last": f"{DATE_MAX:%d/%m/%Y}"},
        )
    return day


_DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "description": f"YYYY-MM-DD, từ {DATE_MIN:%d/%m/%Y} đến {DATE_MAX:%d/%m/%Y}",
}

# A date given as ISO text within DATE_MIN..DATE_MAX.
IsoDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema(_DATE_SCHEMA)]
# A date the handler parses itself (for its own, more specific messages), described as one.
DateText = Annotated[str, WithJsonSchema(_DATE_SCHEMA)]
Page = Annotated[int, Field(ge=1, le=PAGE_MAX, description=f"Trang, 1–{PAGE_MAX}")]
PageSize = Annotated[
    int, Field(ge=1, le=PAGE_SIZE_MAX, description=f"Số dòng mỗi trang, 1–{PAGE_SIZE_MAX}")
]
Age = Annotated[int, Field(ge=0, le=AGE_MAX, description=f"Tuổi, 0–{AGE_MAX}")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"Năm, {YEAR_MIN}–{YEAR_MAX}")]
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX, description="Mã số (số nguyên dương)")]
Sex = Literal["M", "F"]


def _optional(kind: Any, schema: dict[str, Any], **bounds: Any) -> Any:
    """An optional query or form value: the OpenAPI shows the value's own schema (left out =
    not given), not "… or null", which a query string or a form cannot carry."""
    return Annotated[kind | None, Field(**bounds), WithJsonSchema(schema)]


def _int(low: int, high: int, description: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "description": description}


OptAge = _optional(int, _int(0, AGE_MAX, f"Tuổi, 0–{AGE_MAX}"), ge=0, le=AGE_MAX)
OptPageSize = _optional(
    int, _int(1, PAGE_SIZE_MAX, f"Số dòng mỗi trang, 1–{PAGE_SIZE_MAX}"), ge=1, le=PAGE_SIZE_MAX
)
OptYear = _optional(
    int, _int(YEAR_MIN, YEAR_MAX, f"Năm, {YEAR_MIN}–{YEAR_MAX}"), ge=YEAR_MIN, le=YEAR_MAX
)
OptDate = Annotated[date | None, BeforeValidator(_iso_date), WithJsonSchema(_DATE_SCHEMA)]
OptDateText = Annotated[str | None, WithJsonSchema(_DATE_SCHEMA)]
OptSex = Annotated[Sex | None, WithJsonSchema({"type": "string", "enum": ["M", "F"]})]
FormId = _optional(int, _int(1, ID_MAX, "Mã số (số nguyên dương)"), ge=1, le=ID_MAX)
FormPosition = _optional(int, _int(0, PAGE_MAX, f"Vị trí, 0–{PAGE_MAX}"), ge=0, le=PAGE_MAX)


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """`ok` plus the error statuses an operation can answer, all with the error body.

    Every operation can answer 401 (no valid token or session), 422 (its parameters fail
    validation; an operation without parameters still declares it, harmlessly) and 429 (the
    client's address is throttled after failed logins, with Retry-After); `errors` adds
    the others: 400 a body that is not JSON or multipart, 403 a refused duty or a session
    request without its CSRF token, 404 missing or not visible, 409 a state conflict, 503 a
    node not configured for the operation.
    """
    return {**ok, **dict.fromkeys(sorted({401, 422, 429, *errors}), ErrorOut)}
