"""/dieu-hanh/: the real-time view of the personnel work for leaders and auditors
(R-EVAL-REALTIME, issue 12 item 3). Aggregates and procedure numbers only, no dossier
content: the drill-down opens the procedure through the dossier gate. The page polls its own
fragment every 10 seconds with htmx (`wants_partial`), so it stays live without a reload."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hoso.core.dates import today
from hoso.procedures.selectors import work_scope
from hoso.web.presenters.dashboard import dashboard as dashboard_context
from hoso.web.presenters.dashboard import scope_names
from hoso.web.views.common import wants_partial

POLL_SECONDS = 10


@require_GET
@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = work_scope(request.user)
    partial = wants_partial(request)
    if scope is None:
        template = "hoso/dashboard/_live.html" if partial else "hoso/dashboard/page.html"
        return render(request, template, {"no_duty": True}, status=403)
    context = dashboard_context(request.user, scope, today()) | {
        "poll_seconds": POLL_SECONDS,
        "scope_names": scope_names(scope),
    }
    if partial:
        return render(request, "hoso/dashboard/_live.html", context)
    return render(request, "hoso/dashboard/page.html", context)
