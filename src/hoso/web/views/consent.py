"""The employee's own page (NĐ 27/2026 Art. 20; R-CLEAN): approvals outside cadre work that
wait for their consent, with give and withdraw, and who has seen their dossier.

Only an account with the employee duty and its own dossier has this page; others get the
one 404. Who read the dossier is shown by full name, duty and unit, never by username: a
username is account information (R-PROHIBITED) and half of a login, and the name, the duty
and the unit already make the reader known (docs/decisions/0007).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies, services
from hoso.access import selectors as access_selectors
from hoso.access.models import Role
from hoso.audit.selectors import events_for_person, events_page
from hoso.core.dates import today
from hoso.core.errors import ValidationFailed
from hoso.web.presenters import security, session
from hoso.web.views.common import filled, not_found


def _name(user) -> str:
    return user.full_name or "người được cấp quyền"


def has_own_dossier(request: HttpRequest) -> bool:
    return bool(request.user.personal_id) and any(
        a.role == Role.EMPLOYEE for a in session.assignments(request)
    )


@login_required
@never_cache
def consent(request: HttpRequest) -> HttpResponse:
    if not has_own_dossier(request):
        return not_found(request)
    pid = request.user.personal_id
    grants = policies.grants_awaiting_consent(request.user)
    standing = access_selectors.consents_in_force(pid)
    rows = [
        (view, standing.get(view.grant.grantee_id))
        for view in security.grant_views(grants, today())
    ]
    history = access_selectors.consents_of(pid)
    events = events_for_person(pid, actions=security.SEEN)
    page = events_page(events, page=request.GET.get("page") or 1)
    context = {
        "rows": rows,
        "history": history,
        "page": page,
        "reads": security.read_rows(list(page.object_list), request.user),
        "query": filled(request.GET),
    }
    return render(request, "hoso/security/consent.html", context)


@login_required
@require_POST
def consent_give(request: HttpRequest, grant_pk: int) -> HttpResponse:
    if not has_own_dossier(request):
        return not_found(request)
    waiting = policies.grants_awaiting_consent(request.user)
    grant = next((g for g in waiting if g.pk == grant_pk), None)
    if grant is None:
        return not_found(request, what="văn bản phê duyệt")
    try:
        services.consent_give(
            acting_user=request.user, grantee=grant.grantee, purpose=grant.purpose, grant=grant
        )
    except ValidationFailed as error:
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(
            request,
            f"Bạn đã đồng ý cho {_name(grant.grantee)} khai thác hồ sơ của mình theo văn bản số "
            f"{grant.document_number}. Bạn có thể rút lại sự đồng ý bất cứ lúc nào.",
        )
    return redirect("web:consent")


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_pk: int) -> HttpResponse:
    if not has_own_dossier(request):
        return not_found(request)
    consent = access_selectors.consent_get(request.user.personal_id, consent_pk)
    if consent is None:
        return not_found(request, what="sự đồng ý")
    try:
        services.consent_withdraw(acting_user=request.user, consent=consent)
    except ValidationFailed as error:
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(
            request,
            f"Bạn đã rút lại sự đồng ý cho {_name(consent.grantee)}. Từ lần truy cập tiếp "
            "theo, người này không còn xem được hồ sơ của bạn theo các văn bản cần sự đồng ý.",
        )
    return redirect("web:consent")
