"""The refusals of statistics and forecasts: stable codes, Vietnamese messages."""

from __future__ import annotations

from hoso.core.errors import DomainError


class StatsError(DomainError):
    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(code=code, message=message, status=status)
