from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from hoso.core.errors import DomainError
from hoso.web.presenters import session


def not_found(request: HttpRequest, *, what: str = "trang") -> HttpResponse:
    """The one 404 page: the same for a missing dossier and a dossier the user may not read."""
    return render(request, "hoso/not_found.html", {"what": what}, status=404)


def write_refused(request: HttpRequest, error: DomainError, personal_id: str = "") -> HttpResponse:
    """A write refused before its form is shown (R-NO-SILO: the dossier was handed over, or is
    being handed over — `policies.refuse_if_held`): the refusal's message, and the way to read
    the dossier, which stays open."""
    context = {"message": error.message, "personal_id": personal_id}
    return render(request, "hoso/write_refused.html", context, status=error.status)


def filled(query: QueryDict) -> QueryDict:
    """The query without empty parameters, so shared and pushed URLs stay short."""
    out = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            out.setlist(key, kept)
    return out


def url_with(request: HttpRequest, query: QueryDict) -> str:
    return f"{request.path}?{query.urlencode()}" if query else request.path


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def no_dossier(request: HttpRequest, template: str) -> HttpResponse:
    """For accounts whose duties read no dossier (the system administrator): say so plainly."""
    context = {"no_dossier": True, "admin": session.manages_accounts(request)}
    return render(request, template, context)
