"""Canonical JSON (RFC 8785): the same document always gives the same bytes."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.signing.canonical import canonical
from hoso.signing.errors import SigningError


def test_key_order_does_not_change_the_bytes() -> None:
    one = {"b": 1, "a": {"y": [3, 2, 1], "x": None}, "c": True}
    other = {"c": True, "a": {"x": None, "y": [3, 2, 1]}, "b": 1}
    assert canonical(one) == canonical(other) == (b'{"a":{"x":null,"y":[3,2,1]},"b":1,"c":true}')


def test_keys_sort_by_utf16_code_units_as_in_rfc_8785() -> None:
    # The example of RFC 8785 section 3.2.3.
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical(document)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_numbers_take_their_ecmascript_form() -> None:
    # The example of RFC 8785 section 3.2.2, plus the usual suspects.
    numbers = [333333333.33333329, 1e30, 4.50, 2e-3, 1e-27, 1.0, -0.0, 100, 0.1, 2**53 - 1]
    assert canonical(numbers) == (
        b"[333333333.3333333,1e+30,4.5,0.002,1e-27,1,0,100,0.1,9007199254740991]"
    )


def test_vietnamese_text_is_utf8_without_escapes() -> None:
    assert canonical({"ho_ten": "Nguyễn Văn Đức"}) == '{"ho_ten":"Nguyễn Văn Đức"}'.encode()


def test_only_the_required_characters_are_escaped() -> None:
    assert canonical('a"b\\c\n\u001f/\u2028') == b'"a\\"b\\\\c\\n\\u001f/\xe2\x80\xa8"'


def test_unicode_is_not_normalized_so_nfc_and_nfd_are_different_documents() -> None:
    nfc = unicodedata.normalize("NFC", "Nguyễn")
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    assert canonical(nfc) != canonical(nfd)


def test_tuples_are_arrays() -> None:
    assert canonical((1, "a")) == canonical([1, "a"]) == b'[1,"a"]'


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (2**53, "canonical_integer_range"),
        (-(2**60), "canonical_integer_range"),
        (float("nan"), "canonical_float"),
        (float("inf"), "canonical_float"),
        ({1: "numeric key"}, "canonical_unsupported"),
        ({"when": __import__("datetime").date(2025, 7, 1)}, "canonical_unsupported"),
        (__import__("decimal").Decimal("4.40"), "canonical_unsupported"),
    ],
)
def test_values_json_cannot_carry_exactly_are_refused(value: object, code: str) -> None:
    with pytest.raises(SigningError) as caught:
        canonical(value)
    assert caught.value.code == code


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    # An integral float of 2**53 or more prints as an integer, which parses back as a Python
    # int beyond the safe range: such values must travel as strings (see canonical.py).
    | st.floats(
        allow_nan=False, allow_infinity=False, min_value=-(2.0**53), max_value=2.0**53
    ).filter(lambda number: abs(number) < 2**53)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_bytes_survive_a_json_round_trip(value: object) -> None:
    first = canonical(value)
    assert canonical(json.loads(first)) == first


@given(st.dictionaries(st.text(max_size=6), st.integers(-1000, 1000), max_size=8))
def test_insertion_order_never_matters(value: dict[str, int]) -> None:
    reversed_order = dict(reversed(list(value.items())))
    assert canonical(reversed_order) == canonical(value)
