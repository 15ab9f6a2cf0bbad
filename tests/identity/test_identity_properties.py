"""Property tests: decoding is total and generate/decode agree on every input (DESIGN.md 9)."""

import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hoso.identity import ErrorCode, IdentityInfo, decode, generate, province_codes

TODAY = date(2025, 6, 1)
DOCUMENTED_CODES = {code.value for code in ErrorCode}
CONTENT_CODES = {"unknown_province", "birth_year_in_future"}
CROSS_CHECK_CODES = {"century_mismatch", "birth_year_mismatch", "sex_mismatch"}

province_code = st.sampled_from(sorted(province_codes()))
sex = st.sampled_from(["M", "F"])
twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
recorded_dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
whitespace = st.text(alphabet=" \t\n\r\u00a0\u3000", max_size=3)


@given(
    province_code=province_code,
    birth_year=st.integers(1900, 2399),
    sex=sex,
    serial=st.integers(0, 999_999),
)
def test_generate_then_decode_round_trips(province_code, birth_year, sex, serial):
    number = generate(province_code=province_code, birth_year=birth_year, sex=sex, serial=serial)
    info = decode(number, birth_year=birth_year, sex=sex, today=date(2399, 12, 31))
    assert info.valid, info.errors
    assert len(number) == 12
    assert number.isascii() and number.isdigit()
    assert info.province_code == province_code
    assert info.province_name == province_codes()[province_code]
    assert (info.birth_year, info.sex, info.century) == (birth_year, sex, birth_year // 100 * 100)
    assert number.endswith(f"{serial:06d}")


@given(birth_year=st.integers(1900, 2399), sex=sex, serial=st.integers(0, 999_999))
def test_a_generated_number_fails_only_for_a_different_recorded_year_or_sex(
    birth_year, sex, serial
):
    number = generate(province_code="001", birth_year=birth_year, sex=sex, serial=serial)
    other_sex = "F" if sex == "M" else "M"
    errors = decode(number, sex=other_sex, today=date(2399, 12, 31)).errors
    assert [error.code for error in errors] == ["sex_mismatch"]


@given(text=st.text())
def test_decode_never_raises_on_arbitrary_text(text):
    assert_well_formed(decode(text, today=TODAY))


@given(
    text=st.text(max_size=20),
    birth_date=st.one_of(st.none(), recorded_dates),
    sex=st.sampled_from(["M", "F", None]),
)
def test_decode_never_raises_with_any_recorded_facts(text, birth_date, sex):
    assert_well_formed(decode(text, birth_date=birth_date, sex=sex, today=TODAY))


@given(text=st.text(alphabet=st.characters(codec="ascii"), max_size=30))
def test_decode_never_raises_on_ascii_noise(text):
    assert_well_formed(decode(text, birth_year=1985, sex="F", today=TODAY))


@given(number=twelve_digits)
def test_every_twelve_digit_string_decodes_or_yields_only_content_errors(number):
    info = decode(number, today=TODAY)
    assert_well_formed(info)
    assert {error.code for error in info.errors} <= CONTENT_CODES
    assert info.province_code == number[:3]
    assert (info.province_name is None) == ("unknown_province" in codes(info))
    assert info.century == 1900 + 100 * (int(number[3]) // 2)
    assert info.sex == ("F" if int(number[3]) % 2 else "M")
    assert info.birth_year_digits == number[4:6]
    assert info.birth_year == info.century + int(number[4:6])
    assert ("birth_year_in_future" in codes(info)) == (info.birth_year > TODAY.year)


@given(number=twelve_digits, birth_date=recorded_dates, sex=sex)
def test_cross_checks_fire_exactly_when_the_digits_contradict_the_record(number, birth_date, sex):
    info = decode(number, birth_date=birth_date, sex=sex, today=TODAY)
    assert {error.code for error in info.errors} <= CONTENT_CODES | CROSS_CHECK_CODES
    century_differs = info.century != birth_date.year // 100 * 100
    assert ("century_mismatch" in codes(info)) == century_differs
    assert ("birth_year_mismatch" in codes(info)) == (int(number[4:6]) != birth_date.year % 100)
    assert ("sex_mismatch" in codes(info)) == (info.sex != sex)


wrong_length_digits = st.text(alphabet="0123456789", min_size=1, max_size=40).filter(
    lambda text: len(text) != 12
)


@given(number=wrong_length_digits)
def test_a_digit_string_of_the_wrong_length_yields_only_a_length_error(number):
    info = decode(number, birth_year=1985, sex="M", today=TODAY)
    assert codes(info) == ["length"]
    assert info.errors[0].message.endswith(f"nhận được {len(number)}.")


@given(number=twelve_digits, before=whitespace, after=whitespace)
def test_only_surrounding_whitespace_is_forgiven(number, before, after):
    assert decode(before + number + after, today=TODAY) == decode(number, today=TODAY)


@given(number=twelve_digits, position=st.integers(1, 10), junk=st.sampled_from(" -./"))
def test_an_inner_separator_is_always_a_non_digit_error(number, position, junk):
    text = number[:position] + junk + number[position + 1 :]
    assert "non_digit" in codes(decode(text, today=TODAY))


def codes(info: IdentityInfo) -> list[str]:
    return [error.code for error in info.errors]


def assert_well_formed(info: IdentityInfo) -> None:
    """Invariants of every result: documented codes, real messages, JSON-ready, valid iff clean."""
    assert isinstance(info, IdentityInfo)
    assert {error.code for error in info.errors} <= DOCUMENTED_CODES
    assert len(set(codes(info))) == len(info.errors), "each error is reported once"
    for error in info.errors:
        assert error.message.strip() and error.message.endswith(".")
    assert info.valid == (not info.errors)
    assert json.loads(json.dumps(info.as_dict()))["valid"] == info.valid
