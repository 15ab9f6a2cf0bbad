"""Template helpers of the work pages: which of their links the user's duties open, and the
in-app reminder (how many of the user's own obligations are overdue or due soon)."""

from __future__ import annotations

from typing import Any

from django import template

from hoso.access import policies
from hoso.access.models import Role
from hoso.core.dates import today
from hoso.web.presenters import session, work

register = template.Library()


@register.simple_tag(takes_context=True)
def work_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    duties = session.assignments(request)
    roles = {a.role for a in duties}
    return {
        "reader": bool(roles & policies.READING_ROLES) or Role.EMPLOYEE in roles,
        # The tools over other people's dossiers (search, completeness, document search): not
        # for whom only their own dossier is open (R-SELF-SERVICE; the pages scope them anyway).
        "staff": bool(roles & policies.READING_ROLES),
        "records_manager": any(
            a.role == Role.RECORDS_MANAGER and a.organization is not None for a in duties
        ),
        "employee": bool(request.user.personal_id) and Role.EMPLOYEE in roles,
        "writer": bool(roles & {Role.CLERK, Role.RECORDS_MANAGER}),
        "due": work.my_due_count(request.user, today()),
    }


@register.filter
def writes_dossier(request: Any, person: Any) -> bool:
    """Whether the user holds a clerk's or records manager's duty over `person`'s unit (the
    link to correct the dossier; the page asks the gate again)."""
    return policies.may_correct(request.user, person)
