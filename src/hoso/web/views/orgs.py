from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hoso.core.dates import today
from hoso.orgs import selectors
from hoso.web.forms.reference import YearForm
from hoso.web.presenters import orgs
from hoso.web.views.common import not_found


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    include_closed = request.GET.get("tat_ca") == "1"
    rows = orgs.org_tree(on=today(), include_closed=include_closed)
    return render(request, "hoso/orgs/tree.html", {"rows": rows, "include_closed": include_closed})


@login_required
def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.org_get(code)
    if org is None:
        return not_found(request, what="đơn vị")
    year = today().year
    form = YearForm(request.GET if "nam" in request.GET else {"nam": year})
    if form.is_valid() and form.cleaned_data["nam"]:
        year = form.cleaned_data["nam"]
    context = {
        "org": org,
        "form": form,
        "year": year,
        "ancestors": selectors.ancestors(org)[:-1],
        "children": orgs.children_of(org),
        "quotas": orgs.quota_rows(year=year, root=org) if form.is_valid() else [],
        "positions": orgs.job_positions_of(org),
        "on": today(),
    }
    return render(request, "hoso/orgs/detail.html", context, status=200 if form.is_valid() else 400)
