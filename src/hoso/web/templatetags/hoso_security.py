"""Template helpers of the security pages: which of their links the user's duties open, and
how many alerts wait (the duties are those the header already read for this request)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from hoso.access import policies
from hoso.access.models import Role
from hoso.audit.selectors import alerts_open
from hoso.web.presenters import session

register = template.Library()


def _review_duties(request: HttpRequest) -> list:
    return policies.review_duties(request.user, session.assignments(request))


@register.filter
def reviews_audit(request: HttpRequest | None) -> bool:
    """May this user read the audit trail (and so follow "who saw this dossier")?"""
    return request is not None and bool(_review_duties(request))


@register.simple_tag(takes_context=True)
def security_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    cached = getattr(request, "_hoso_security_nav", None)
    if cached is not None:
        return cached
    duties = session.assignments(request)
    roles = {a.role for a in duties}
    reviewing = _review_duties(request)
    reading = bool(roles & policies.READING_ROLES)
    nav = {
        "records_manager": any(
            a.role == Role.RECORDS_MANAGER and a.organization is not None for a in duties
        ),
        "reviewer": bool(reviewing),
        "employee": bool(request.user.personal_id) and Role.EMPLOYEE in roles,
        # Grants go to officers of reading duties (the page says so when none is in force).
        "grantee": reading,
        "open_alerts": (
            alerts_open(policies.alert_scope(request.user, reviewing)).count()
            if reviewing
            else 0
        ),
    }
    request._hoso_security_nav = nav  # type: ignore[attr-defined]
    return nav
