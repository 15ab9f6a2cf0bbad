"""Decode and validate the 12-digit personal identification number (số định danh cá nhân).

R-POPULATION identifies every person by this number, reused from the national population
database; R-CORRECT and R-CLEAN require that digits contradicting the recorded birth year or sex be
shown as errors, never silently accepted (DOMAIN.md). Structure (NĐ 137/2015/NĐ-CP art. 7,
TT 07/2016/TT-BCA): digits 1-3 the province of birth registration, digit 4 the century and sex,
digits 5-6 the last two digits of the birth year, digits 7-12 a serial. The code tables are cited
data (see ``tables``).

Pure domain code: no Django, no ORM. Bad numbers never raise; they come back as ``IdentityError``
values with a stable ``code`` (for the API) and a specific Vietnamese ``message`` (for pages).
Bad *recorded* data passed by the caller (an unknown sex value, a birth date and year that disagree)
is a programming error and raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from hoso.identity.tables import SEXES, CenturySexDigit, tables

__all__ = [
    "ErrorCode",
    "IdentityError",
    "IdentityInfo",
    "InvalidPersonalId",
    "decode",
    "generate",
    "province_codes",
    "require_valid",
    "validate",
]

LENGTH = 12
SERIAL_MAX = 999_999
_ASCII_DIGITS = frozenset("0123456789")
_MAX_NAMED_CHARACTERS = 3  # a message names this many bad characters, then counts the rest
_SEX_WORDS = {"M": "nam", "F": "nữ"}


class ErrorCode(StrEnum):
    """Stable, machine-readable error codes: the API contract, so never rename one."""

    EMPTY = "empty"
    LENGTH = "length"
    NON_DIGIT = "non_digit"
    UNKNOWN_PROVINCE = "unknown_province"
    BIRTH_YEAR_IN_FUTURE = "birth_year_in_future"
    BIRTH_YEAR_MISMATCH = "birth_year_mismatch"
    CENTURY_MISMATCH = "century_mismatch"
    SEX_MISMATCH = "sex_mismatch"


@dataclass(frozen=True)
class IdentityError:
    """One problem with a number: ``code`` for machines, ``message`` (Vietnamese) for people."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": str(self.code), "message": self.message}


@dataclass(frozen=True)
class IdentityInfo:
    """Everything readable from a number, plus every error found; unreadable parts are None."""

    personal_id: str
    province_code: str | None = None
    province_name: str | None = None
    century: int | None = None
    sex: str | None = None
    birth_year_digits: str | None = None
    birth_year: int | None = None
    errors: tuple[IdentityError, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API: plain strings, ints and None only."""
        return {
            "personal_id": self.personal_id,
            "province_code": self.province_code,
            "province_name": self.province_name,
            "century": self.century,
            "sex": self.sex,
            "birth_year_digits": self.birth_year_digits,
            "birth_year": self.birth_year,
            "valid": self.valid,
            "errors": [error.as_dict() for error in self.errors],
        }


class InvalidPersonalId(ValueError):
    """Raised by ``require_valid``; ``errors`` holds every problem, not just the first."""

    def __init__(self, errors: Sequence[IdentityError]) -> None:
        self.errors = tuple(errors)
        super().__init__(" ".join(error.message for error in self.errors))


@dataclass(frozen=True)
class _Recorded:
    """What the dossier already says about the person, to cross-check the digits against."""

    year: int | None = None
    described: str = ""  # e.g. "ngày sinh đã khai là 05/03/2001", ends the mismatch messages
    sex: str | None = None


def province_codes() -> dict[str, str]:
    """Legacy 3-digit birth-registration codes → province name (a fresh copy, safe to mutate)."""
    return dict(tables().provinces)


def decode(
    personal_id: str | None,
    *,
    birth_date: date | None = None,
    birth_year: int | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> IdentityInfo:
    """Read as much as possible from ``personal_id`` and list every error found.

    Only surrounding whitespace is forgiven: inner spaces or dashes are typing slips the clerk must
    see. Digit positions mean nothing in a number of the wrong length, so such a number is not
    decoded further; in a 12-character number each well-formed part is still decoded and checked.
    ``birth_date``/``birth_year`` and ``sex`` are the recorded facts to cross-check; ``today``
    (default: date.today()) bounds the birth year.
    """
    recorded = _recorded(birth_date, birth_year, sex)
    text = "" if personal_id is None else _require_str(personal_id).strip()
    if not text:
        return IdentityInfo(personal_id="", errors=(_empty(),))
    shape_errors = _shape_errors(text)
    if len(text) != LENGTH:
        return IdentityInfo(personal_id=text, errors=tuple(shape_errors))
    info = _decode_parts(text)
    content_errors = _content_errors(info, recorded, today or date.today())
    return replace(info, errors=(*shape_errors, *content_errors))


def validate(
    personal_id: str | None,
    *,
    birth_date: date | None = None,
    birth_year: int | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> list[IdentityError]:
    """Every error in ``personal_id`` (empty list when valid); see ``decode``."""
    info = decode(personal_id, birth_date=birth_date, birth_year=birth_year, sex=sex, today=today)
    return list(info.errors)


def require_valid(
    personal_id: str | None,
    *,
    birth_date: date | None = None,
    birth_year: int | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> IdentityInfo:
    """The decoded number, or ``InvalidPersonalId`` carrying all its errors."""
    info = decode(personal_id, birth_date=birth_date, birth_year=birth_year, sex=sex, today=today)
    if not info.valid:
        raise InvalidPersonalId(info.errors)
    return info


def generate(*, province_code: str, birth_year: int, sex: str, serial: int) -> str:
    """A number consistent with the given facts, for synthetic data (never a real person's).

    Raises ValueError when an argument cannot be encoded: an unknown province code, a birth year
    outside the centuries of the digit table, a sex other than "M"/"F", a serial outside 0..999999.
    """
    if not isinstance(province_code, str) or province_code not in tables().provinces:
        raise ValueError(f"unknown birth-registration province code {province_code!r}")
    if sex not in SEXES:
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    if not _is_int(birth_year):
        raise ValueError(f"birth_year must be an int, got {birth_year!r}")
    digit = tables().digit_for(_century_of(birth_year), sex)
    if digit is None:
        raise ValueError(f"birth year {birth_year} is outside the century/sex digit table")
    if not _is_int(serial) or not 0 <= serial <= SERIAL_MAX:
        raise ValueError(f"serial must be an int in 0..{SERIAL_MAX}, got {serial!r}")
    return f"{province_code}{digit}{birth_year % 100:02d}{serial:06d}"


# --- decoding -------------------------------------------------------------------------------


def _decode_parts(text: str) -> IdentityInfo:
    """Decode each part of a 12-character number whose characters are all digits."""
    province_code = _digits_or_none(text[0:3])
    year_digits = _digits_or_none(text[4:6])
    meaning = _century_sex(text[3])
    century = meaning.century if meaning else None
    return IdentityInfo(
        personal_id=text,
        province_code=province_code,
        province_name=tables().provinces.get(province_code) if province_code else None,
        century=century,
        sex=meaning.sex if meaning else None,
        birth_year_digits=year_digits,
        birth_year=century + int(year_digits) if century is not None and year_digits else None,
    )


def _century_sex(character: str) -> CenturySexDigit | None:
    return tables().century_sex_digits.get(character) if character in _ASCII_DIGITS else None


def _digits_or_none(part: str) -> str | None:
    return part if _is_digits(part) else None


def _is_digits(text: str) -> bool:
    """ASCII 0-9 only: str.isdigit() would accept '٣' or '³', which no id contains."""
    return all(character in _ASCII_DIGITS for character in text)


# --- checks ---------------------------------------------------------------------------------


def _shape_errors(text: str) -> list[IdentityError]:
    """Length and character errors, reported together so one correction fixes both."""
    errors = []
    if len(text) != LENGTH:
        errors.append(_wrong_length(text))
    if not _is_digits(text):
        errors.append(_non_digit(text))
    return errors


def _content_errors(info: IdentityInfo, recorded: _Recorded, today: date) -> list[IdentityError]:
    """Errors in what the digits say, in digit order: province, century, sex, year."""
    errors = []
    if info.province_code is not None and info.province_name is None:
        errors.append(_unknown_province(info.province_code))
    if recorded.year is not None and info.century not in (None, _century_of(recorded.year)):
        errors.append(_century_mismatch(info.century, recorded))
    if info.sex is not None and recorded.sex is not None and info.sex != recorded.sex:
        errors.append(_sex_mismatch(info.sex, recorded.sex))
    year_digits = info.birth_year_digits
    if recorded.year is not None and year_digits and int(year_digits) != recorded.year % 100:
        errors.append(_birth_year_mismatch(year_digits, recorded))
    if info.birth_year is not None and info.birth_year > today.year:
        errors.append(_birth_year_in_future(info.birth_year, today))
    return errors


# --- messages (Vietnamese, dates dd/mm/yyyy) ------------------------------------------------


def _error(code: ErrorCode, message: str) -> IdentityError:
    """Store the plain string value so reprs, pickles and JSON never depend on the enum class."""
    return IdentityError(code.value, message)


def _empty() -> IdentityError:
    return _error(ErrorCode.EMPTY, "Chưa nhập số định danh cá nhân.")


def _wrong_length(text: str) -> IdentityError:
    unit = "" if _is_digits(text) else " ký tự"  # "11" alone would wrongly suggest 11 digits
    message = f"Số định danh phải có đúng {LENGTH} chữ số, nhận được {len(text)}{unit}."
    return _error(ErrorCode.LENGTH, message)


def _non_digit(text: str) -> IdentityError:
    found = _describe_non_digits(text)
    message = f"Số định danh chỉ được gồm các chữ số từ 0 đến 9, nhưng có {found}."
    return _error(ErrorCode.NON_DIGIT, message)


def _describe_non_digits(text: str) -> str:
    """Name the first few offending characters with their 1-based positions, count the rest."""
    bad = [(position, ch) for position, ch in enumerate(text, 1) if ch not in _ASCII_DIGITS]
    named = [f"{_show(ch)} ở vị trí {position}" for position, ch in bad[:_MAX_NAMED_CHARACTERS]]
    extra = len(bad) - len(named)
    if extra:
        return f"{', '.join(named)} và {extra} ký tự khác"
    return _join_vietnamese(named)


def _join_vietnamese(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} và {items[-1]}"


def _show(character: str) -> str:
    """Render one character visibly: a bare space or a control code would read as nothing."""
    if character == " ":
        return "dấu cách"
    if not character.isprintable():
        return f"ký tự U+{ord(character):04X}"
    return f"«{character}»"


def _unknown_province(code: str) -> IdentityError:
    message = f"Mã tỉnh nơi đăng ký khai sinh «{code}» không tồn tại."
    return _error(ErrorCode.UNKNOWN_PROVINCE, message)


def _century_mismatch(century: int, recorded: _Recorded) -> IdentityError:
    message = f"Chữ số thứ 4 cho biết sinh năm {century // 100}xx, nhưng {recorded.described}."
    return _error(ErrorCode.CENTURY_MISMATCH, message)


def _sex_mismatch(decoded: str, recorded: str) -> IdentityError:
    message = (
        f"Chữ số thứ 4 cho biết giới tính {_SEX_WORDS[decoded]}, "
        f"nhưng giới tính đã khai là {_SEX_WORDS[recorded]}."
    )
    return _error(ErrorCode.SEX_MISMATCH, message)


def _birth_year_mismatch(year_digits: str, recorded: _Recorded) -> IdentityError:
    message = (
        f"Chữ số thứ 5 và 6 cho biết năm sinh kết thúc bằng {year_digits}, "
        f"nhưng {recorded.described}."
    )
    return _error(ErrorCode.BIRTH_YEAR_MISMATCH, message)


def _birth_year_in_future(year: int, today: date) -> IdentityError:
    message = f"Chữ số thứ 4 đến 6 cho biết sinh năm {year}, sau năm hiện tại {today.year}."
    return _error(ErrorCode.BIRTH_YEAR_IN_FUTURE, message)


def _format_date(value: date) -> str:
    """dd/mm/yyyy without strftime, whose %Y does not zero-pad years before 1000 on Linux."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# --- arguments ------------------------------------------------------------------------------


def _recorded(birth_date: date | None, birth_year: int | None, sex: str | None) -> _Recorded:
    """Check the caller's recorded facts; contradictions here are bugs, so they raise."""
    if birth_date is not None and not isinstance(birth_date, date):
        raise TypeError(f"birth_date must be a date, got {birth_date!r}")
    if birth_year is not None and not _is_int(birth_year):
        raise TypeError(f"birth_year must be an int, got {birth_year!r}")
    if birth_date is not None and birth_year is not None and birth_date.year != birth_year:
        raise ValueError(f"birth_date {birth_date} and birth_year {birth_year} disagree")
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex must be 'M', 'F' or None, got {sex!r}")
    if birth_date is not None:
        return _Recorded(birth_date.year, f"ngày sinh đã khai là {_format_date(birth_date)}", sex)
    if birth_year is not None:
        return _Recorded(birth_year, f"năm sinh đã khai là {birth_year}", sex)
    return _Recorded(sex=sex)


def _require_str(value: object) -> str:
    """Only text is input; an int would already have lost the leading zeros of codes like 001."""
    if not isinstance(value, str):
        raise TypeError(f"personal_id must be a str, got {type(value).__name__}")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _century_of(year: int) -> int:
    return year // 100 * 100
