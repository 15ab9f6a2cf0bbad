"""The public page of the units' service figures (R-TRANSPARENT): no login, aggregates only.

No dossier is read, so no gate is asked; what keeps a figure from pointing at one person is
`procedures.selectors.service_figures`' minimum count (setting HOSO_PUBLIC_MIN_COUNT)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hoso.orgs import selectors as org_selectors
from hoso.procedures.selectors import service_figures
from hoso.web.presenters.completeness import completeness_chart, level_of


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    minimum = settings.HOSO_PUBLIC_MIN_COUNT
    labels = org_selectors.unit_labels()
    rows = [
        {**r, "name": labels.get(r["unit_code"], r["unit_code"])} for r in service_figures(minimum)
    ]
    timed = [
        {
            "name": r["name"],
            "people": r["total"],
            "percent": r["on_time_percent"],
            "level": level_of(r["on_time_percent"]),
        }
        for r in rows
        if r["on_time_percent"] is not None
    ]
    context = {
        "rows": rows,
        "minimum": minimum,
        "chart": completeness_chart(timed) if timed else None,
        "chart_title": "Tỷ lệ bước xử lý đúng hạn theo đơn vị",
    }
    return render(request, "hoso/transparency.html", context)
