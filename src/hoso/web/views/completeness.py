from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from hoso.access import policies, recorder
from hoso.audit.purposes import Purpose
from hoso.documents.selectors.completeness import components_missing_by_unit
from hoso.orgs.selectors import org_get, unit_label
from hoso.people.selectors import completeness_by_unit, dossier_standard
from hoso.people.standard import COMPONENT_GROUP
from hoso.web.presenters import session
from hoso.web.presenters.completeness import (
    completeness_chart,
    completeness_rows,
    completeness_total,
    rule_choices,
    unit_worklist,
    worklist_filtered,
)
from hoso.web.views.common import filled, no_dossier, not_found, wants_partial


@login_required
@never_cache
def completeness(request: HttpRequest) -> HttpResponse:
    if session.reads_no_dossier(request):
        return no_dossier(request, "hoso/completeness.html")
    scope = policies.people_scope(request.user)
    lacking = components_missing_by_unit(scope=scope, standard=dossier_standard())
    rows = completeness_rows(completeness_by_unit(scope=scope))
    for row in rows:
        row["components_missing"] = lacking.get(row["code"], 0)
    context = {
        "rows": rows,
        "total": completeness_total(rows),
        "chart": completeness_chart(rows),
        "components_missing": sum(lacking.values()),
    }
    return render(request, "hoso/completeness.html", context)


def _group(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) <= 10 else None


@login_required
@never_cache
def completeness_unit(request: HttpRequest, code: str) -> HttpResponse:
    """The worklist of one unit: each dossier the reader may open with what it lacks against
    the standard (fields, format, components), most missing first; filter by group or rule.
    A listing that names people: audited (`recorder.listed`)."""
    if session.reads_no_dossier(request):
        return no_dossier(request, "hoso/completeness_unit.html")
    unit = org_get(code)
    if unit is None:
        return not_found(request, what="đơn vị")
    worklist = unit_worklist(request.user, unit)
    group = _group(request.GET.get("nhom", ""))
    rules = rule_choices()
    rule = request.GET.get("quy_tac", "")
    rule = rule if rule in {c for c, _ in rules} else ""
    rows = worklist_filtered(worklist, group=group, rule=rule)
    page = Paginator(rows, settings.HOSO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = filled(request.GET)
    recorder.listed(
        request.user,
        query={"unit": code, "group": group, "rule": rule, "page": page.number},
        shown=[r.person.personal_id for r in page.object_list],
        total=len(rows),
        purpose=Purpose.COMPLETENESS,
    )
    context = {
        "unit": unit,
        "unit_label": unit_label(unit),
        "worklist": worklist,
        "page": page,
        "query": query,
        "group": group,
        "rule": rule,
        "rules": rules,
        "component_group": COMPONENT_GROUP,
        "target": "#worklist",
    }
    if wants_partial(request):
        return render(request, "hoso/_completeness_worklist.html", context)
    return render(request, "hoso/completeness_unit.html", context)
