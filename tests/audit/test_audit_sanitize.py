"""Audit text cannot forge log lines or spoof what a reader sees."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.audit.sanitize import MAX_TEXT, clean_json, clean_text

BIDI_AND_MARKS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


def unescape(text: str) -> str:
    return re.sub(r"<U\+([0-9A-F]{4,6})>", lambda m: chr(int(m.group(1), 16)), text)


@pytest.mark.parametrize("char", BIDI_AND_MARKS)
def test_every_bidirectional_control_becomes_a_visible_escape(char: str) -> None:
    assert clean_text(f"abc{char}def") == f"abc<U+{ord(char):04X}>def"


def test_right_to_left_override_is_shown_not_obeyed() -> None:
    assert clean_text("hoso\u202etxt.exe") == "hoso<U+202E>txt.exe"


def test_line_breaks_cannot_start_a_forged_log_line() -> None:
    cleaned = clean_text("an\r\n2026-01-01 login ok admin")
    assert "\n" not in cleaned and "\r" not in cleaned
    assert cleaned == "an<U+000D><U+000A>2026-01-01 login ok admin"


@pytest.mark.parametrize(
    "char", ["\x00", "\t", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u200b", "\ufeff"]
)
def test_other_controls_separators_and_invisible_characters_are_escaped(char: str) -> None:
    assert clean_text(char) == f"<U+{ord(char):04X}>"


def test_lone_surrogates_are_escaped_so_the_text_is_valid_utf8() -> None:
    cleaned = clean_text("a\ud800b")
    assert cleaned == "a<U+D800>b"
    cleaned.encode("utf-8")


def test_vietnamese_text_is_kept_in_composed_form() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh – Sở Tài chính")
    assert clean_text(decomposed) == "Nguyễn Thị Ánh – Sở Tài chính"


def test_a_typed_escape_is_itself_escaped_so_escapes_cannot_be_faked() -> None:
    assert clean_text("<U+202E>") == "<U+003C>U+202E>"
    assert unescape(clean_text("<U+202E>")) == "<U+202E>"
    assert clean_text("a < b, <b>") == "a < b, <b>"


def test_overlong_text_is_cut_with_a_visible_marker() -> None:
    cleaned = clean_text("x" * (MAX_TEXT + 5))
    assert cleaned == "x" * MAX_TEXT + "…[+5]"


def test_json_detail_is_cleaned_in_keys_and_values_and_made_stable() -> None:
    detail = {
        "lý do\n": ["a\u202eb", 1, 2.5, None, True],
        "when": dt.date(2026, 1, 2),
        "amount": Decimal("1.50"),
        "big": 2**60,
        "nested": {"x": ("y", "\x00")},
    }
    assert clean_json(detail) == {
        "lý do<U+000A>": ["a<U+202E>b", 1, "2.5", None, True],
        "when": "2026-01-02",
        "amount": "1.50",
        "big": str(2**60),
        "nested": {"x": ["y", "<U+0000>"]},
    }


def test_json_detail_refuses_what_it_cannot_represent() -> None:
    with pytest.raises(TypeError):
        clean_json({"x": object()})


@given(st.text())
def test_no_unsafe_character_survives_and_the_original_can_be_read_back(text: str) -> None:
    cleaned = clean_text(text, limit=10**6)
    unsafe = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    assert not any(unicodedata.category(c) in unsafe for c in cleaned)
    assert unescape(cleaned) == unicodedata.normalize("NFC", text)
