"""Model fields encrypted at rest (docs/decisions/0006-encryption-at-rest.md).

An `EncryptedField` stores any simple value (text, integer, decimal, date) as AES-GCM
ciphertext bound to its column; Python code sees the plain value. Such a column cannot be
filtered or ordered in SQL except through a blind index column kept beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from hoso.core import crypto


class EncryptedField(models.TextField):
    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        if kind not in {"text", "int", "decimal", "date"}:
            raise ValueError(f"unsupported encrypted kind {kind!r}")
        self.kind = kind
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.kind != "text":
            kwargs["kind"] = self.kind
        return name, path, args, kwargs

    @property
    def aad(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return None if self.kind != "text" else (value or "")
        if self.kind == "int":
            return int(value)
        if self.kind == "decimal":
            return Decimal(str(value))
        if self.kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)
        if value in (None, ""):
            return value
        if crypto.is_encrypted(value):
            return value
        plain = value.isoformat() if isinstance(value, date) else str(value)
        return crypto.encrypt(plain, self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return self.to_python(value)
        return self.to_python(crypto.decrypt(value, self.aad))
