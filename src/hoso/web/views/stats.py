"""/thong-ke/: the workforce counted as of a date, with charts, tables, drill-downs and the
retirement forecast (issue 11). Counts only; the people behind a number are listed through
the search path and recorded like a search page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from hoso.access import policies, recorder
from hoso.analytics import forecasts, reports, selectors
from hoso.analytics.errors import StatsError
from hoso.analytics.selectors import LABELS, Dimension
from hoso.core.dates import today
from hoso.people.selectors import SearchFilters, people_search
from hoso.web.presenters import dossier as dossier_presenters
from hoso.web.presenters import session
from hoso.web.presenters import stats as stats_presenters

TEMPLATE = "hoso/stats/home.html"


def _refused(request: HttpRequest, template: str, error: StatsError, **context) -> HttpResponse:
    status = 400 if error.status == 422 else error.status
    return render(request, template, {"error": error, **context}, status=status)


@login_required
@never_cache
def stats_home(request: HttpRequest) -> HttpResponse:
    units = selectors.stats_units(request.user)
    if not units:
        return render(request, TEMPLATE, {"no_duty": True}, status=403)
    scope_units = session.scope_units(request, today())
    base = {"units": scope_units, "labels": LABELS, "params": request.GET}
    try:
        q = stats_presenters.question(request.user, request.GET)
        allowed = selectors.permitted_dimensions(request.user, q.unit)
        breakdown = selectors.workforce(user=request.user, unit=q.unit, as_of=q.as_of, by=q.by)
    except StatsError as error:
        return _refused(request, TEMPLATE, error, **base, dimensions=selectors.DIMENSIONS)
    context = base | {
        "q": q,
        "dimensions": allowed,
        "breakdown": breakdown,
        "dim1": q.by[0] if q.by else "",
        "dim2": q.by[1] if len(q.by) > 1 else "",
        "report_href": stats_presenters.report_href(q),
        "as_of_note": selectors.AS_OF_NOTE,
        "report_form": reports.form(),
    }
    context["rows"] = stats_presenters.breakdown_rows(q, breakdown)
    if len(q.by) == 1:
        items = [(g.labels[q.by[0]], g.count) for g in breakdown.groups]
        context["chart"] = stats_presenters.count_chart(
            f"Số người theo {LABELS[q.by[0]].lower()}", items
        )
    elif len(q.by) == 2:
        context["cross"] = stats_presenters.cross_table(q, breakdown)
        first = selectors.workforce(user=request.user, unit=q.unit, as_of=q.as_of, by=q.by[:1])
        context["chart"] = stats_presenters.count_chart(
            f"Số người theo {LABELS[q.by[0]].lower()}",
            [(g.labels[q.by[0]], g.count) for g in first.groups],
        )
    if {Dimension.AGE_BAND, Dimension.SEX} <= set(allowed):
        ages = selectors.workforce(
            user=request.user, unit=q.unit, as_of=q.as_of, by=(Dimension.AGE_BAND, Dimension.SEX)
        )
        context["pyramid"] = stats_presenters.pyramid(ages)
        context["ages_query"] = q
    start = max(q.as_of.replace(month=1, day=1), q.unit.valid_from)
    if request.GET.get("from"):
        try:
            start = stats_presenters.parse_date(request.GET["from"])
        except StatsError as error:
            context["movement_error"] = error
    if "movement_error" not in context:
        try:
            moved = selectors.movements(user=request.user, unit=q.unit, start=start, end=q.as_of)
            context["movements"] = moved
            context["movement_rows"] = [
                (label, moved.counts[code]) for code, label in selectors.MOVEMENTS.items()
            ]
        except StatsError as error:
            context["movement_error"] = error
    year = today().year
    years = forecasts.retirement_forecast(
        user=request.user, unit=q.unit, from_year=year, to_year=year + 9
    )
    context["retirements"] = [
        {
            "year": y.year,
            "total": y.total,
            "leaders": y.leaders,
            "categories": sorted((forecasts.category_name(c), n) for c, n in y.by_category.items()),
            "posts": sorted((forecasts.post_name(c), n) for c, n in y.posts.items()),
        }
        for y in years
    ]
    context["retirement_total"] = sum(y.total for y in years)
    outlook = forecasts.quota_outlook(user=request.user, unit=q.unit, year=year)
    context["quotas"] = [
        {
            "unit": o.organization.name,
            "category": forecasts.category_name(o.staff_category),
            "quota": o.quota,
            "used": o.used,
            "vacant": o.vacant,
            "years": o.vacant_by_year,
        }
        for o in outlook
    ]
    context["quota_years"] = [y for y, _v in outlook[0].vacant_by_year] if outlook else []
    if outlook:
        context["quota_chart"] = stats_presenters.count_chart(
            f"Biên chế đã sử dụng năm {year}",
            [
                (f"{o.organization.name} – {forecasts.category_name(o.staff_category)}", o.used)
                for o in outlook
            ],
        )
    steps = forecasts.salary_step_forecast(user=request.user, unit=q.unit, first=today())
    context["steps"] = steps
    context["steps_total"] = sum(n for _d, n, _late in steps)
    context["steps_chart"] = stats_presenters.count_chart(
        "Số người đến hạn nâng bậc lương thường xuyên theo tháng",
        [(f"{d:%m/%Y}", n) for d, n, _late in steps],
    )
    context["retirement_chart"] = stats_presenters.retirement_chart(years)
    return render(request, TEMPLATE, context)


@login_required
@never_cache
def stats_people(request: HttpRequest) -> HttpResponse:
    """The people behind one number: the search path, the reader's scope, recorded."""
    template = "hoso/stats/people.html"
    try:
        q = stats_presenters.question(request.user, request.GET)
        key = stats_presenters.cell_key(q, request.GET)
        cell = selectors.cell_people(user=request.user, unit=q.unit, as_of=q.as_of, key=key)
    except StatsError as error:
        return _refused(request, template, error)
    people = people_search(
        scope=policies.people_scope(request.user) & cell, filters=SearchFilters(status="")
    )
    page = Paginator(people, settings.HOSO_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = dossier_presenters.result_rows(request.user, list(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page"}
    recorder.search_listed(
        request.user,
        query={"statistics": True, **query},
        shown=[r.personal_id for r in rows],
        total=page.paginator.count,
    )
    context = {
        "q": q,
        "page": page,
        "rows": rows,
        "query": request.GET.copy(),
        "back": stats_presenters.stats_href(q),
        "criteria": [
            (LABELS[d], selectors.label_of(unit=q.unit, as_of=q.as_of, dim=d, value=key[d]))
            for d in q.by
        ],
    }
    return render(request, template, context)


@login_required
@never_cache
def stats_report(request: HttpRequest) -> HttpResponse:
    """The Ministry's form for the unit and date, as .xlsx (default) or PDF."""
    try:
        q = stats_presenters.question(request.user, request.GET)
        report = reports.ministry_report(user=request.user, unit=q.unit, as_of=q.as_of)
    except StatsError as error:
        return _refused(request, TEMPLATE, error, units=[], labels=LABELS, params=request.GET)
    name = f"bieu-01-bnv-{q.unit.code}-{q.as_of:%Y%m%d}"
    if request.GET.get("format") == "pdf":
        html = render_to_string(
            "hoso/stats/report_pdf.html",
            {"report": report, "lines": reports.title_lines(report), "form": reports.form()},
        )
        body = reports.report_pdf(html, request.build_absolute_uri("/"))
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    try:
        workbook = reports.report_xlsx(report)
    except ImportError:  # openpyxl not installed on this node
        error = StatsError(
            "xlsx_unavailable",
            "Máy chủ chưa cài thư viện xuất Excel (openpyxl); hãy tải bản PDF.",
            status=503,
        )
        return _refused(request, TEMPLATE, error, units=[], labels=LABELS, params=request.GET)
    response = HttpResponse(
        workbook,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
