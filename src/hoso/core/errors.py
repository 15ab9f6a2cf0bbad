"""Domain errors with a stable machine code and a Vietnamese message.

Services raise these; adapters render them (JSON in the API, a message on pages, stderr in
commands). Nothing is written when one is raised inside a service's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One specific thing wrong with an input."""

    code: str
    message: str
    field: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass
class DomainError(Exception):
    """Base of all expected errors: the input is refused and nothing changes."""

    code: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        details = "; ".join(p.message for p in self.problems)
        return f"{self.message} {details}".strip()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "problems": [p.as_dict() for p in self.problems],
        }


class ValidationFailed(DomainError):
    def __init__(self, problems: list[Problem], message: str = "Dữ liệu không hợp lệ.") -> None:
        super().__init__(code="validation_failed", message=message, problems=problems, status=422)


class NotFound(DomainError):
    """Missing and forbidden look the same from outside (no existence oracle)."""

    def __init__(self, message: str = "Không tìm thấy hoặc bạn không có quyền xem.") -> None:
        super().__init__(code="not_found", message=message, status=404)
