"""Vietnamese text helpers: accent-insensitive search keys and Vietnamese name collation.

Pure functions, no ORM. One definition of "normalized" serves both databases, so SQLite and
PostgreSQL find exactly the same people (see docs/decisions/0002-search-normalization.md).
"""

from __future__ import annotations

import re
import unicodedata

# Tone marks in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Letter modifiers that make distinct letters of the alphabet (ă â ê ô ơ ư).
_MODIFIERS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
# The Vietnamese alphabet, with f j w z slotted in Latin order for foreign names.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_RANK = {letter: index + 10 for index, letter in enumerate(_ALPHABET)}
_SPACES = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """Lower-case, strip every diacritic, map đ to d and collapse spaces.

    >>> normalize("  Đặng   Thị Ánh ")
    'dang thi anh'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def clean_name(text: str) -> str:
    """Canonical form of a person's name: NFC, single spaces, each word capitalised."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return " ".join(word[:1].upper() + word[1:].lower() for word in text.split(" "))


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split a Vietnamese full name into (family, middle, given)."""
    words = clean_name(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def _letters(word: str) -> list[tuple[str, int]]:
    """(letter of the Vietnamese alphabet, tone rank) for each base letter of a word."""
    out: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if out:
                out[-1] = (out[-1][0], _TONES[ch])
            continue
        if ch in _MODIFIERS and out:
            composed = unicodedata.normalize("NFC", out[-1][0] + ch)
            out[-1] = (composed, out[-1][1])
            continue
        if unicodedata.combining(ch):
            continue
        out.append((ch, 0))
    return out


def name_sort_key(full_name: str) -> str:
    """An ASCII key whose byte order is the Vietnamese order of names.

    Given name first, then the middle names, then the family name; letters by the Vietnamese
    alphabet (a < ă < â < b … d < đ …), and only when all letters tie, tones in dictionary
    order. The key uses digits only, so any collation sorts it the same way.
    """
    family, middle, given = split_name(full_name)
    words = [given, *middle.split(" "), family] if middle else [given, family]
    primary: list[str] = []
    secondary: list[str] = []
    for word in words:
        if not word:
            continue
        for letter, tone in _letters(word):
            primary.append(str(_LETTER_RANK.get(letter, 99)))
            secondary.append(str(tone))
        primary.append("00")
    return ("".join(primary) + "0" + "".join(secondary))[:250]
