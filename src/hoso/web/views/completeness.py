from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from hoso.access import policies
from hoso.people.selectors import completeness_by_unit
from hoso.web.presenters import session
from hoso.web.presenters.completeness import (
    completeness_chart,
    completeness_rows,
    completeness_total,
)
from hoso.web.views.common import no_dossier


@login_required
@never_cache
def completeness(request: HttpRequest) -> HttpResponse:
    if session.reads_no_dossier(request):
        return no_dossier(request, "hoso/completeness.html")
    scope = policies.people_scope(request.user)
    rows = completeness_rows(completeness_by_unit(scope=scope))
    context = {
        "rows": rows,
        "total": completeness_total(rows),
        "chart": completeness_chart(rows),
    }
    return render(request, "hoso/completeness.html", context)
