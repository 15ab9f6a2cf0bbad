"""Decoding and validating personal identification numbers (R-POPULATION, R-CORRECT, R-CLEAN)."""

import json
from datetime import date, datetime

import pytest

from hoso.identity import (
    ErrorCode,
    IdentityError,
    IdentityInfo,
    InvalidPersonalId,
    decode,
    province_codes,
    require_valid,
    validate,
)

TODAY = date(2025, 6, 1)
VALID = "001085001234"  # Hà Nội, male, born 1985


def codes(info: IdentityInfo) -> list[str]:
    return [error.code for error in info.errors]


def messages(info: IdentityInfo) -> list[str]:
    return [error.message for error in info.errors]


# --- a valid number -------------------------------------------------------------------------


def test_a_valid_number_decodes_every_part():
    info = decode(VALID, today=TODAY)
    assert info == IdentityInfo(
        personal_id=VALID,
        province_code="001",
        province_name="Hà Nội",
        century=1900,
        sex="M",
        birth_year_digits="85",
        birth_year=1985,
        errors=(),
    )
    assert info.valid


def test_matching_recorded_facts_give_no_errors():
    info = decode(VALID, birth_date=date(1985, 3, 5), sex="M", today=TODAY)
    assert info.valid


def test_surrounding_whitespace_is_ignored():
    info = decode(f" \t{VALID}\n ", today=TODAY)
    assert info.valid
    assert info.personal_id == VALID


def test_a_birth_in_the_current_year_is_not_in_the_future():
    assert decode("001325000001", today=TODAY).valid  # 2025


def test_the_number_of_a_person_born_in_2000_decodes_to_the_2000s():
    info = decode("079300000001", today=TODAY)
    assert (info.province_name, info.sex, info.birth_year) == ("TP.HCM", "F", 2000)


@pytest.mark.parametrize(
    ("digit", "century", "sex"),
    [
        ("0", 1900, "M"), ("1", 1900, "F"), ("2", 2000, "M"), ("3", 2000, "F"),
        ("4", 2100, "M"), ("5", 2100, "F"), ("6", 2200, "M"), ("7", 2200, "F"),
        ("8", 2300, "M"), ("9", 2300, "F"),
    ],
)  # fmt: skip
def test_each_fourth_digit_decodes_to_its_century_and_sex(digit, century, sex):
    info = decode(f"001{digit}07000001", today=date(2399, 12, 31))
    assert (info.century, info.sex, info.birth_year) == (century, sex, century + 7)
    assert info.valid


@pytest.mark.parametrize(("code", "name"), sorted(province_codes().items()))
def test_every_legacy_province_code_decodes_to_its_name(code, name):
    info = decode(f"{code}190123456", today=TODAY)
    assert (info.province_code, info.province_name) == (code, name)
    assert info.valid


# --- empty, length and characters -----------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", None])
def test_empty_input_is_reported_as_empty(blank):
    info = decode(blank, today=TODAY)
    assert codes(info) == ["empty"]
    assert messages(info) == ["Chưa nhập số định danh cá nhân."]
    assert info.personal_id == ""


def test_wrong_length_is_reported_with_the_count():
    info = decode("00108500123", today=TODAY)
    assert messages(info) == ["Số định danh phải có đúng 12 chữ số, nhận được 11."]
    assert codes(info) == ["length"]


def test_a_number_that_is_too_long_is_reported_with_the_count():
    info = decode("0010850012345", today=TODAY)
    assert messages(info) == ["Số định danh phải có đúng 12 chữ số, nhận được 13."]


def test_wrong_length_with_other_characters_counts_characters_not_digits():
    info = decode("001-085-001234", today=TODAY)
    assert codes(info) == ["length", "non_digit"]
    assert info.errors[0].message == "Số định danh phải có đúng 12 chữ số, nhận được 14 ký tự."


def test_a_number_of_the_wrong_length_is_not_decoded_further():
    info = decode("09908500123", birth_year=2001, sex="F", today=TODAY)
    assert codes(info) == ["length"]
    assert info.province_code is None
    assert info.century is None
    assert info.birth_year is None


def test_an_inner_dash_is_a_non_digit_error_with_its_position():
    info = decode("001-85001234", today=TODAY)
    assert codes(info) == ["non_digit"]
    assert messages(info) == [
        "Số định danh chỉ được gồm các chữ số từ 0 đến 9, nhưng có «-» ở vị trí 4."
    ]


def test_inner_spaces_are_named_as_spaces_not_left_invisible():
    info = decode("001 085 0012", today=TODAY)
    assert messages(info) == [
        "Số định danh chỉ được gồm các chữ số từ 0 đến 9, nhưng có dấu cách ở vị trí 4"
        " và dấu cách ở vị trí 8."
    ]


def test_many_bad_characters_are_named_then_counted():
    info = decode("abcde1234567", today=TODAY)
    assert messages(info) == [
        "Số định danh chỉ được gồm các chữ số từ 0 đến 9, nhưng có «a» ở vị trí 1,"
        " «b» ở vị trí 2, «c» ở vị trí 3 và 2 ký tự khác."
    ]


def test_invisible_characters_are_named_by_code_point():
    info = decode("00108500\u200b234", today=TODAY)
    assert "ký tự U+200B ở vị trí 9" in info.errors[0].message


@pytest.mark.parametrize("text", ["００１０８５００１２３４", "٠٠١٠٨٥٠٠١٢٣٤", "001085001²34"])
def test_digits_from_other_scripts_are_not_accepted_as_digits(text):
    assert "non_digit" in codes(decode(text, today=TODAY))


def test_the_well_formed_parts_of_a_number_with_a_typo_are_still_decoded():
    info = decode("001085-01234", today=TODAY)
    assert codes(info) == ["non_digit"]
    assert (info.province_name, info.sex, info.birth_year) == ("Hà Nội", "M", 1985)


def test_a_typo_in_the_fourth_digit_leaves_century_sex_and_year_unknown():
    info = decode("001x85001234", birth_year=1985, sex="F", today=TODAY)
    assert codes(info) == ["non_digit"]
    assert (info.century, info.sex, info.birth_year) == (None, None, None)
    assert info.birth_year_digits == "85"


# --- province -------------------------------------------------------------------------------


def test_unknown_province_is_reported_with_the_code():
    info = decode("099085001234", today=TODAY)
    assert codes(info) == ["unknown_province"]
    assert messages(info) == ["Mã tỉnh nơi đăng ký khai sinh «099» không tồn tại."]
    assert (info.province_code, info.province_name) == ("099", None)
    assert info.birth_year == 1985


@pytest.mark.parametrize("code", ["000", "003", "097", "100", "999"])
def test_codes_outside_the_legacy_table_are_unknown(code):
    assert codes(decode(f"{code}085001234", today=TODAY)) == ["unknown_province"]


# --- birth year -----------------------------------------------------------------------------


def test_a_birth_year_after_the_current_year_is_reported():
    info = decode("001326001234", today=TODAY)
    assert codes(info) == ["birth_year_in_future"]
    assert messages(info) == ["Chữ số thứ 4 đến 6 cho biết sinh năm 2026, sau năm hiện tại 2025."]


def test_a_later_century_digit_is_in_the_future_today():
    info = decode("001485001234", today=TODAY)
    assert info.birth_year == 2185
    assert codes(info) == ["birth_year_in_future"]


def test_today_defaults_to_the_current_date():
    next_year = date.today().year + 1
    digit = "2" if next_year < 2100 else "4"
    info = decode(f"001{digit}{next_year % 100:02d}001234")
    assert codes(info) == ["birth_year_in_future"]


def test_century_mismatch_names_the_recorded_birth_date_as_dd_mm_yyyy():
    info = decode("001001001234", birth_date=date(2001, 3, 5), today=TODAY)
    assert codes(info) == ["century_mismatch"]
    assert messages(info) == [
        "Chữ số thứ 4 cho biết sinh năm 19xx, nhưng ngày sinh đã khai là 05/03/2001."
    ]


def test_birth_year_mismatch_names_the_two_digits_and_the_recorded_date():
    info = decode("001085001234", birth_date=date(1986, 12, 31), today=TODAY)
    assert codes(info) == ["birth_year_mismatch"]
    assert messages(info) == [
        "Chữ số thứ 5 và 6 cho biết năm sinh kết thúc bằng 85,"
        " nhưng ngày sinh đã khai là 31/12/1986."
    ]


def test_a_recorded_birth_year_alone_is_enough_to_cross_check():
    info = decode("001085001234", birth_year=2001, today=TODAY)
    assert codes(info) == ["century_mismatch", "birth_year_mismatch"]
    assert messages(info)[0] == (
        "Chữ số thứ 4 cho biết sinh năm 19xx, nhưng năm sinh đã khai là 2001."
    )


def test_a_recorded_birth_datetime_is_read_as_its_date():
    info = decode(VALID, birth_date=datetime(1985, 3, 5, 8, 30), today=TODAY)
    assert info.valid


def test_a_recorded_date_before_year_1000_is_still_written_with_four_digits():
    info = decode(VALID, birth_date=date(985, 1, 2), today=TODAY)
    assert "ngày sinh đã khai là 02/01/0985" in messages(info)[0]


def test_the_same_two_digits_in_another_century_is_only_a_century_mismatch():
    assert codes(decode("001385001234", birth_year=1985, today=date(2100, 1, 1))) == [
        "century_mismatch"
    ]


# --- sex ------------------------------------------------------------------------------------


def test_sex_mismatch_is_reported_in_words():
    info = decode("001185001234", sex="M", today=TODAY)
    assert codes(info) == ["sex_mismatch"]
    assert messages(info) == ["Chữ số thứ 4 cho biết giới tính nữ, nhưng giới tính đã khai là nam."]


def test_a_woman_recorded_with_a_male_digit_is_a_sex_mismatch():
    info = decode("001285001234", sex="F", today=date(2100, 1, 1))
    assert messages(info) == ["Chữ số thứ 4 cho biết giới tính nam, nhưng giới tính đã khai là nữ."]


# --- several errors at once -----------------------------------------------------------------


def test_unknown_province_and_sex_mismatch_are_reported_together():
    info = decode("099185001234", sex="M", today=TODAY)
    assert codes(info) == ["unknown_province", "sex_mismatch"]


def test_every_content_error_is_reported_at_once_in_digit_order():
    info = decode("099585001234", birth_date=date(2001, 3, 5), sex="M", today=TODAY)
    assert codes(info) == [
        "unknown_province",
        "century_mismatch",
        "sex_mismatch",
        "birth_year_mismatch",
        "birth_year_in_future",
    ]
    assert info.birth_year == 2185


def test_a_typo_in_the_serial_does_not_hide_a_sex_mismatch():
    info = decode("001185 01234", sex="M", today=TODAY)
    assert codes(info) == ["non_digit", "sex_mismatch"]


# --- results and errors as values -----------------------------------------------------------


def test_error_codes_are_plain_strings_from_the_documented_list():
    info = decode("099185001234", sex="M", today=TODAY)
    for error in info.errors:
        assert type(error.code) is str
        assert error.code in {code.value for code in ErrorCode}


def test_the_documented_error_codes_are_stable():
    assert {code.value for code in ErrorCode} == {
        "empty",
        "length",
        "non_digit",
        "unknown_province",
        "birth_year_in_future",
        "birth_year_mismatch",
        "century_mismatch",
        "sex_mismatch",
    }


def test_as_dict_is_json_ready():
    info = decode("099185001234", sex="M", today=TODAY)
    data = json.loads(json.dumps(info.as_dict(), ensure_ascii=False))
    assert data == {
        "personal_id": "099185001234",
        "province_code": "099",
        "province_name": None,
        "century": 1900,
        "sex": "F",
        "birth_year_digits": "85",
        "birth_year": 1985,
        "valid": False,
        "errors": [
            {
                "code": "unknown_province",
                "message": "Mã tỉnh nơi đăng ký khai sinh «099» không tồn tại.",
            },
            {
                "code": "sex_mismatch",
                "message": "Chữ số thứ 4 cho biết giới tính nữ, nhưng giới tính đã khai là nam.",
            },
        ],
    }


def test_results_are_immutable():
    info = decode(VALID, today=TODAY)
    with pytest.raises(AttributeError):
        info.sex = "F"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        IdentityError("empty", "x").code = "length"  # type: ignore[misc]


def test_validate_returns_the_same_errors_as_decode():
    arguments = {"birth_year": 2001, "sex": "M", "today": TODAY}
    assert validate("099185001234", **arguments) == list(decode("099185001234", **arguments).errors)
    assert validate(VALID, today=TODAY) == []


def test_require_valid_returns_the_decoded_number():
    assert require_valid(VALID, birth_year=1985, sex="M", today=TODAY).province_name == "Hà Nội"


def test_require_valid_raises_a_value_error_carrying_every_error():
    with pytest.raises(InvalidPersonalId) as raised:
        require_valid("099185001234", sex="M", today=TODAY)
    assert isinstance(raised.value, ValueError)
    assert [error.code for error in raised.value.errors] == ["unknown_province", "sex_mismatch"]
    assert str(raised.value) == (
        "Mã tỉnh nơi đăng ký khai sinh «099» không tồn tại."
        " Chữ số thứ 4 cho biết giới tính nữ, nhưng giới tính đã khai là nam."
    )


# --- programming errors raise -----------------------------------------------------------------


def test_a_recorded_birth_date_and_year_that_disagree_is_a_programming_error():
    with pytest.raises(ValueError, match="disagree"):
        decode(VALID, birth_date=date(1985, 1, 1), birth_year=1986)


def test_a_recorded_birth_date_and_year_that_agree_are_accepted_together():
    assert decode(VALID, birth_date=date(1985, 1, 1), birth_year=1985, today=TODAY).valid


@pytest.mark.parametrize("sex", ["m", "Nam", "", "X"])
def test_an_unknown_recorded_sex_is_a_programming_error(sex):
    with pytest.raises(ValueError, match="sex must be"):
        decode(VALID, sex=sex)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"birth_year": "1985"}, "birth_year must be an int"),
        ({"birth_year": True}, "birth_year must be an int"),
        ({"birth_date": "1985-01-01"}, "birth_date must be a date"),
    ],
)
def test_recorded_facts_of_the_wrong_type_are_programming_errors(arguments, message):
    with pytest.raises(TypeError, match=message):
        decode(VALID, **arguments)


def test_a_number_given_as_an_int_is_refused_because_it_lost_its_leading_zeros():
    with pytest.raises(TypeError, match="personal_id must be a str"):
        decode(1085001234)  # type: ignore[arg-type]
