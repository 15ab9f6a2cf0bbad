"""Whether to show the statistics link (accounts with a reading duty over some unit) and the
link to the real-time view of the work (leaders and auditors)."""

from __future__ import annotations

from django import template

from hoso.analytics import selectors
from hoso.procedures.selectors import work_scope
from hoso.web.presenters import session

register = template.Library()


@register.simple_tag(takes_context=True)
def counts_workforce(context: template.Context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(selectors.stats_units(user, session.assignments(request)))


@register.simple_tag(takes_context=True)
def sees_work(context: template.Context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return work_scope(user) is not None
