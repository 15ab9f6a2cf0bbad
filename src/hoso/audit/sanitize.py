"""Make audit text safe to store and to show: no forged lines, no visual spoofing.

Pure functions, no ORM. Every character that can break a log line or change how the text
around it is displayed — CR, LF and the other C0/C1 controls, the Unicode bidirectional
controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), zero-width and other format
characters, line/paragraph separators and lone surrogates — is replaced by a visible escape
`<U+XXXX>`. A literal `<U+` typed by a user is itself escaped (`<` becomes `<U+003C>`), so every
escape in stored text was made here and the original can always be read back unambiguously.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

# Unicode categories replaced: controls, format characters (bidi, zero-width, BOM, soft hyphen…),
# surrogates, line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Longest text kept per field; longer text is cut with a visible marker (no log flooding).
MAX_TEXT = 2000
# Integers beyond this are not exactly representable in every JSON reader (RFC 8785 refuses them).
_MAX_SAFE_INT = 2**53 - 1


def _escape(char: str) -> str:
    return f"<U+{ord(char):04X}>"


def clean_text(value: object, *, limit: int = MAX_TEXT) -> str:
    """Visible-escape every unsafe character of `value` (NFC first); cut beyond `limit`.

    >>> clean_text("a\\u202ebc\\r\\nd")
    'a<U+202E>bc<U+000D><U+000A>d'
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    out: list[str] = []
    for index, char in enumerate(text):
        unsafe = unicodedata.category(char) in _UNSAFE_CATEGORIES
        if unsafe or (char == "<" and text.startswith("U+", index + 1)):
            out.append(_escape(char))
        else:
            out.append(char)
    cleaned = "".join(out)
    if len(cleaned) > limit:
        cleaned = f"{cleaned[:limit]}…[+{len(cleaned) - limit}]"
    return cleaned


def clean_json(value: object) -> Any:
    """Plain JSON made of cleaned strings that both databases give back unchanged.

    Mapping keys become cleaned strings; tuples and sets become lists; floats, big integers,
    dates, decimals and UUIDs become strings (PostgreSQL's jsonb would otherwise give some
    numbers back in another form and the hash would no longer match).
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _MAX_SAFE_INT else str(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float):
        return clean_text(repr(value))
    if isinstance(value, Mapping):
        return {clean_text(key, limit=200): clean_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((clean_json(item) for item in value), key=repr)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return clean_text(value.isoformat())
    # Decimal, UUID, Promise (lazy translations), durations: Django's encoder knows them.
    return clean_text(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))
