from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from hoso.access import policies
from hoso.audit.purposes import Purpose
from hoso.changes.selectors import discrepancies
from hoso.core.errors import NotFound
from hoso.web.presenters.dossier import dossier_view
from hoso.web.presenters.lending import paper_box
from hoso.web.views.common import not_found


@login_required
@never_cache
def dossier(request: HttpRequest, personal_id: str) -> HttpResponse:
    try:
        access = policies.dossier_access(request.user, personal_id, purpose=Purpose.VIEW)
    except NotFound:
        return not_found(request, what="hồ sơ")
    warnings = [
        {"pk": w.pk, "text": discrepancies.describe(w)}
        for w in discrepancies.open_discrepancies(access.person.personal_id)
    ]
    context = {
        "d": dossier_view(access, editable=policies.may_correct(request.user, access.person)),
        "open_discrepancies": warnings,
        "paper": paper_box(request.user, access),  # where the paper dossier is now
    }
    return render(request, "hoso/dossier.html", context)
