"""Errors of the signing package: a stable code and a Vietnamese message."""

from __future__ import annotations

from hoso.core.errors import DomainError


class SigningError(DomainError):
    """A key, certificate or document cannot be used for signing; nothing is signed."""

    def __init__(self, message: str, code: str = "signing_failed", status: int = 400) -> None:
        super().__init__(code=code, message=message, status=status)
