"""The audit trail for auditors and records managers (R-SECRET, R-INCIDENT): who saw a
dossier, what an account saw, every event with filters, its CSV export, and the alerts.

Audit data is not dossier content, but it names people and accounts: only reviewers of the
trail (`policies.can_review_audit`) see these pages, and only the events of their scope
(`policies.audit_scope`); everyone else gets the one 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import exports, policies
from hoso.audit import services as audit_services
from hoso.audit.selectors import (
    alert_get,
    alerts_acknowledged,
    alerts_open,
    event_list,
    events_for_person,
    events_for_user,
    events_page,
)
from hoso.core.errors import ValidationFailed
from hoso.web.forms.security import AcknowledgeForm, AuditFilterForm
from hoso.web.presenters import security, session
from hoso.web.views.common import filled, not_found

ACKNOWLEDGED_PER_PAGE = 20


def _duties(request: HttpRequest) -> list:
    """The reviewing duties of the user, from the duties the request already read."""
    return policies.review_duties(request.user, session.assignments(request))


def _page(request: HttpRequest, events, template: str, context: dict, status: int = 200):
    page = events_page(events, page=request.GET.get("page") or 1)
    context |= {"page": page, "rows": security.event_rows(list(page.object_list))}
    return render(request, template, context, status=status)


@login_required
@never_cache
def audit_events(request: HttpRequest) -> HttpResponse:
    duties = _duties(request)
    if not duties:
        return not_found(request)
    form = AuditFilterForm(request.GET)
    context = {"form": form, "query": filled(request.GET)}
    if not form.is_valid():
        return render(request, "hoso/security/audit_events.html", context, status=400)
    events = security.in_scope(event_list(**form.filters()), request.user, duties)
    return _page(request, events, "hoso/security/audit_events.html", context)


@login_required
@never_cache
def audit_person(request: HttpRequest, personal_id: str) -> HttpResponse:
    """ "Ai đã xem hồ sơ này": every event about one personal id, within the reviewer's scope."""
    duties = _duties(request)
    if not duties:
        return not_found(request)
    events = security.in_scope(events_for_person(personal_id), request.user, duties)
    export_query = QueryDict(mutable=True)
    export_query["so_dinh_danh"] = personal_id
    context = {
        "personal_id": personal_id,
        "query": QueryDict(mutable=True),
        "export_query": export_query,
    }
    return _page(request, events, "hoso/security/audit_person.html", context)


@login_required
@never_cache
def audit_user(request: HttpRequest, username: str) -> HttpResponse:
    """ "Người dùng này đã xem gì": every event of one account (by name, so failed logins too)."""
    duties = _duties(request)
    if not duties:
        return not_found(request)
    events = security.in_scope(events_for_user(username), request.user, duties)
    export_query = QueryDict(mutable=True)
    export_query["tai_khoan"] = username
    context = {"username": username, "query": QueryDict(mutable=True), "export_query": export_query}
    return _page(request, events, "hoso/security/audit_user.html", context)


@login_required
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as CSV (a POST: it writes an `EXPORT` event, so no stray link or
    prefetch may trigger it). The filters are the list's query string."""
    if not policies.can_review_audit(request.user):
        return not_found(request)
    form = AuditFilterForm(request.GET)
    back = reverse("web:audit_events") + (
        f"?{filled(request.GET).urlencode()}" if request.GET else ""
    )
    if not form.is_valid():
        for message in form.messages():
            messages.error(request, message)
        return redirect(back)
    try:
        export = exports.audit_trail_export(
            user=request.user, filters=form.filters(), described=form.described()
        )
    except exports.ExportRefused as refused:
        messages.error(request, refused.message)
        return redirect(back)
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Export-Id"] = export.export_id
    return response


# --- Alerts ------------------------------------------------------------------------------------


def _alerts_page(request: HttpRequest, *, failed: int | None = None, form=None, status=200):
    scope = policies.alert_scope(request.user, _duties(request))
    open_ = list(alerts_open(scope))
    done = Paginator(alerts_acknowledged(scope), ACKNOWLEDGED_PER_PAGE)
    page = done.get_page(request.GET.get("page"))
    context = {
        "open": open_,
        "page": page,
        "query": filled(request.GET),
        "failed": failed,
        "failed_form": form,
    }
    return render(request, "hoso/security/alerts.html", context, status=status)


@login_required
@never_cache
def alerts(request: HttpRequest) -> HttpResponse:
    if not _duties(request):
        return not_found(request)
    return _alerts_page(request)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    duties = _duties(request)
    if not duties:
        return not_found(request)
    alert = alert_get(policies.alert_scope(request.user, duties), pk)
    if alert is None:
        return not_found(request, what="cảnh báo")
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            audit_services.alert_acknowledge(
                acting_user=request.user, alert=alert, note=form.cleaned_data["note"]
            )
        except ValidationFailed as error:
            if not any(p.field == "note" for p in error.problems):
                # Nothing to correct in the form (acknowledged meanwhile): say so, show the list.
                for problem in error.problems:
                    messages.error(request, problem.message)
                return redirect("web:alerts")
            for problem in error.problems:
                form.add_error("note", problem.message)
        else:
            messages.success(
                request, f"Đã xác nhận xử lý cảnh báo về tài khoản {alert.actor_username}."
            )
            return redirect("web:alerts")
    return _alerts_page(request, failed=alert.pk, form=form, status=400)
