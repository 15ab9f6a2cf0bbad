"""Why a file or a request about documents is refused: a stable code and a Vietnamese message."""

from __future__ import annotations

from hoso.core.errors import DomainError


class DocumentRefused(DomainError):
    """The input is refused as a whole; nothing was stored."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(code=code, message=message, status=status)


class StorageError(RuntimeError):
    """A stored file is missing or does not decrypt: an integrity failure, never user error."""
