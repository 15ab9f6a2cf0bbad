"""The employee's home (R-CLEAN; NĐ 27/2026 Art. 20): their own dossier, who read it, their
correction requests, their consents and what is expected of them.

The dossier is opened through the one gate with purpose "self", so the read is audited like any
other and masked exactly as the gate decides. An account with no dossier of its own (the
administrator, an officer without a personal id) gets a plain notice, never someone else's data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.access import policies
from hoso.audit.purposes import Purpose
from hoso.changes.models import ChangeStatus
from hoso.core.errors import NotFound
from hoso.web.presenters import dossier, session
from hoso.web.presenters.self_home import (
    awaiting_consent,
    consents,
    discrepancy_rows,
    has_own_dossier,
    recent_reads,
    request_rows,
)
from hoso.web.views import consent

TEMPLATE = "hoso/self/home.html"


@login_required
@never_cache
def self_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_own_dossier(session.assignments(request), user):
        return render(request, TEMPLATE, {"linked": False})
    try:
        access = policies.dossier_access(user, user.personal_id, purpose=Purpose.SELF)
    except NotFound:  # a personal id with no dossier (yet) on this node
        return render(request, TEMPLATE, {"linked": False})
    given = consents(user)
    reads, reads_total = recent_reads(user)
    requests = request_rows(user)
    context = {
        "linked": True,
        "d": dossier.dossier_view(access),
        "discrepancies": discrepancy_rows(access, user),
        "requests": requests,
        "rejected": [r for r in requests if r.changeset.status == ChangeStatus.REJECTED],
        "consents": given,
        "awaiting": awaiting_consent(user, given),
        "reads": reads,
        "reads_total": reads_total,
    }
    return render(request, TEMPLATE, context)


@login_required
@require_POST
def self_consent_withdraw(request: HttpRequest, consent_pk: int) -> HttpResponse:
    """Withdraw from the home: the consent page's action (same checks, service, message),
    then back here."""
    response = consent.consent_withdraw(request, consent_pk)
    if isinstance(response, HttpResponseRedirect):
        return redirect("web:self_home")
    return response
