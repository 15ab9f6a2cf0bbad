"""The one byte form of a JSON document that gets signed: RFC 8785 (JCS).

Keys sorted by UTF-16 code units, no whitespace, strings as UTF-8 with minimal escaping,
numbers in ECMAScript form (`1.0` → `1`, `1e21` → `1e+21`). Unicode is *not* normalized
(RFC 8785 §3.1): "Nguyễn" in NFC and in NFD are different documents, so text must be made NFC
where it enters the system, not here — a signature covers exactly what was stored.
Integers beyond ±(2**53 − 1), NaN, infinities, non-string keys and types JSON does not have
(dates, decimals) are refused rather than silently converted: the caller chooses the string
form, and the same document then always has the same bytes. Beware floats of magnitude 2**53
or more with no fraction: they print as integers, which a JSON parser gives back as integers
out of range; such values (and every amount that must stay exact) travel as strings.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from hoso.signing.errors import SigningError

_SAFE = 2**53 - 1
_SCALARS = (str, bool, type(None))


def _plain(obj: Any) -> bool:
    """Whether `obj` holds only ASCII keys, text, booleans, null and safe integers: a tree
    whose sorted compact `json.dumps` is byte for byte RFC 8785 (the same escapes; key order
    by UTF-16 code units is code point order for ASCII; no float, whose forms differ)."""
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not (isinstance(key, str) and key.isascii()):
                    return False
                stack.append(value)
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, int) and not isinstance(node, bool):
            if not -_SAFE <= node <= _SAFE:
                return False
        elif not isinstance(node, _SCALARS):
            return False
    return True


def canonical(obj: Any) -> bytes:
    """RFC 8785 bytes of `obj` (dict, list, tuple, str, int, float, bool, None).

    A plain tree (`_plain`: most dossiers) is written by the C JSON encoder, ten times faster
    than `rfc8785`'s pure Python; anything else, and any text `json` cannot encode to UTF-8
    (a lone surrogate), goes through `rfc8785`."""
    if _plain(obj):
        try:
            return json.dumps(
                obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ).encode("utf-8")
        except UnicodeEncodeError:
            pass
    try:
        return rfc8785.dumps(obj)
    except rfc8785.IntegerDomainError as exc:
        raise SigningError(
            "Có số nguyên vượt quá phạm vi an toàn của JSON (±2^53−1); hãy ghi dưới dạng chuỗi.",
            code="canonical_integer_range",
        ) from exc
    except rfc8785.FloatDomainError as exc:
        raise SigningError(
            "Số thực NaN hoặc vô cực không biểu diễn được trong JSON chuẩn hóa.",
            code="canonical_float",
        ) from exc
    except rfc8785.CanonicalizationError as exc:
        raise SigningError(
            f"Dữ liệu không chuẩn hóa được thành JSON (RFC 8785): {exc}.",
            code="canonical_unsupported",
        ) from exc
