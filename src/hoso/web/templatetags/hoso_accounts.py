"""Template helpers of the account pages."""

from __future__ import annotations

from django import template

from hoso.access.mfa import is_verified
from hoso.web.presenters import session

register = template.Library()


@register.simple_tag(takes_context=True)
def manages_accounts(context: template.Context) -> bool:
    """True for a verified session holding the administrator's duty (nav links)."""
    request = context.get("request")
    if request is None or not is_verified(request.user):
        return False
    return session.manages_accounts(request)
