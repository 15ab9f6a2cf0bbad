"""Search keys of encrypted columns: the one definition shared by the writer
(`people.services`) and the reader (`people.selectors.people_search`)."""

from __future__ import annotations

from hoso.core import crypto


def ethnicity_index(code: str | None) -> str:
    """Blind index of the (encrypted) ethnicity, for the search filter."""
    return crypto.blind_index(code, "ethnicity") if code else ""


def religion_index(code: str | None) -> str:
    """Blind index of the (encrypted) religion: statistics group and count by it in SQL
    instead of decrypting one row per person (bench/stats.py)."""
    return crypto.blind_index(code, "religion") if code else ""
