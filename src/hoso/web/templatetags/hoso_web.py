"""Template helpers: Vietnamese number formats, catalog names, the user's duties."""

from __future__ import annotations

from typing import Any

from django import template

from hoso.catalog.selectors import name_of
from hoso.web.presenters import dossier, session

register = template.Library()


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    """1234567 → "1.234.567"; 87.5 with 1 decimal → "87,5"."""
    if value in (None, ""):
        return ""
    return dossier.vn_number(float(value), int(decimals))


@register.filter
def percent(value: Any, decimals: int = 0) -> str:
    """A 0–1 fraction as a Vietnamese percentage: 0.875 → "88%"."""
    if value in (None, ""):
        return ""
    return f"{dossier.vn_number(100 * float(value), int(decimals))}%"


@register.filter
def catalog_name(code: str, catalog: str) -> str:
    return name_of(catalog, code)


@register.simple_tag(takes_context=True)
def duties(context: template.Context) -> list[str]:
    request = context.get("request")
    return session.duty_labels(request) if request is not None else []
