"""Template helpers of the procedure pages: whether the dossier page offers to start one."""

from __future__ import annotations

from typing import Any

from django import template

from hoso.procedures.selectors import may_start

register = template.Library()


@register.filter
def starts_procedure(request: Any, person: Any) -> bool:
    """Whether a duty of the user owns the first step of some procedure type over `person`'s
    unit (the start page asks the write gate again)."""
    return bool(may_start(request.user, person))
