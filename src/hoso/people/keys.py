"""Search keys of encrypted columns: the one definition shared by the writer
(`people.services`) and the reader (`people.selectors.people_search`)."""

from __future__ import annotations

from hoso.core import crypto


def ethnicity_index(code: str | None) -> str:
    """Blind index of the (encrypted) ethnicity, for the search filter."""
    return crypto.blind_index(code, "ethnicity") if code else ""
