"""Generating consistent synthetic personal identification numbers for test and demo data."""

import pytest

from hoso.identity import decode, generate


def test_generate_encodes_province_century_sex_year_and_serial():
    assert generate(province_code="079", birth_year=1999, sex="F", serial=42) == "079199000042"


def test_generate_zero_pads_the_year_digits_and_the_serial():
    assert generate(province_code="001", birth_year=2005, sex="M", serial=7) == "001205000007"


@pytest.mark.parametrize(
    ("birth_year", "sex", "digit"),
    [(1900, "M", "0"), (1999, "F", "1"), (2000, "M", "2"), (2099, "F", "3"), (2100, "M", "4"),
     (2150, "F", "5"), (2200, "M", "6"), (2299, "F", "7"), (2300, "M", "8"), (2399, "F", "9")],
)  # fmt: skip
def test_generate_picks_the_fourth_digit_from_the_century_sex_table(birth_year, sex, digit):
    assert generate(province_code="001", birth_year=birth_year, sex=sex, serial=0)[3] == digit


def test_the_largest_serial_fills_the_last_six_digits():
    number = generate(province_code="096", birth_year=1970, sex="M", serial=999_999)
    assert number.endswith("999999")


def test_a_generated_number_decodes_to_the_facts_it_was_made_from():
    number = generate(province_code="046", birth_year=1962, sex="F", serial=123)
    info = decode(number, birth_year=1962, sex="F")
    assert info.valid
    assert (info.province_name, info.birth_year, info.sex) == ("Thừa Thiên Huế", 1962, "F")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"province_code": "099"}, "unknown birth-registration province code"),
        ({"province_code": "01"}, "unknown birth-registration province code"),
        ({"province_code": 1}, "unknown birth-registration province code"),
        ({"sex": "m"}, "sex must be"),
        ({"sex": None}, "sex must be"),
        ({"birth_year": 1899}, "outside the century/sex digit table"),
        ({"birth_year": 2400}, "outside the century/sex digit table"),
        ({"birth_year": "1985"}, "birth_year must be an int"),
        ({"birth_year": True}, "birth_year must be an int"),
        ({"serial": -1}, "serial must be"),
        ({"serial": 1_000_000}, "serial must be"),
        ({"serial": 1.0}, "serial must be"),
        ({"serial": False}, "serial must be"),
    ],
)
def test_generate_refuses_arguments_it_cannot_encode(arguments, message):
    valid = {"province_code": "001", "birth_year": 1985, "sex": "M", "serial": 1}
    with pytest.raises(ValueError, match=message):
        generate(**{**valid, **arguments})
