"""Template helper of the employee's home: does the menu offer "Hồ sơ của tôi"? (The duties
are those the header already read for this request: no query of its own.)"""

from __future__ import annotations

from django import template

from hoso.web.presenters import self_home, session

register = template.Library()


@register.simple_tag(takes_context=True)
def own_dossier(context: template.Context) -> bool:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return self_home.has_own_dossier(session.assignments(request), request.user)
