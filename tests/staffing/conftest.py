"""Fixtures of the staffing tests: the document a quota cites, a quota setter."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

DOCUMENT = {
    "document_number": "15/QĐ-UBND",
    "document_date": date(2026, 1, 5),
    "document_issuer": "Ủy ban nhân dân tỉnh Thử Nghiệm",
}


@pytest.fixture
def set_quota():
    """`quota_set` with the document filled in; keyword arguments override."""
    from hoso.staffing.services import quota_set

    def set_(unit: Any, quota: int, *, by: Any = None, **kwargs: Any):
        arguments = {
            "acting_user": by,
            "organization": unit,
            "year": 2026,
            "staff_category": "civil_servant",
            "quota": quota,
            **DOCUMENT,
            **kwargs,
        }
        return quota_set(**arguments)

    return set_
