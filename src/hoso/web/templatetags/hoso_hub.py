"""Whether to show the national hub's link: accounts operating the hub only."""

from __future__ import annotations

from django import template

from hoso.federation import policies

register = template.Library()


@register.simple_tag(takes_context=True)
def operates_hub(context: template.Context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return policies.hub_operator(user)
