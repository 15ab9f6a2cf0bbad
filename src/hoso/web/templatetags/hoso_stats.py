"""Whether to show the statistics link: accounts with a reading duty over some unit."""

from __future__ import annotations

from django import template

from hoso.analytics import selectors
from hoso.web.presenters import session

register = template.Library()


@register.simple_tag(takes_context=True)
def counts_workforce(context: template.Context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(selectors.stats_units(user, session.assignments(request)))
