"""/quoc-gia/: the national hub's pages for the Ministry's operators (R-NATIONAL, R-LIVE;
issue 14 item 1, docs/decisions/0020): the national registry (search by personal id or name,
each entry's managing node), national counts over the basic information it holds, and each
node's lag, polled live with htmx. Served by `hoso hub serve --web-port`, behind the node's
login (password and one-time code); only a `hub_operator` duty opens them, every refusal and
every registry page shown is audited (`federation.policies`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from hoso.federation import national, policies
from hoso.web.presenters import stats as stats_presenters
from hoso.web.views.common import filled, wants_partial

LAG_POLL_SECONDS = 2
View = Callable[..., HttpResponse]


def operators_only(page: str) -> Callable[[View], View]:
    """Deny by default: a signed-in account without a `hub_operator` duty gets 403 (audited)."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        @never_cache
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not policies.hub_operator(request.user):
                policies.hub_page_refused(request.user, page)
                return render(request, "hoso/hub/refused.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@operators_only("registry")
def hub_registry(request: HttpRequest) -> HttpResponse:
    names = national.node_names()
    query = filled(request.GET)
    context: dict[str, Any] = {"names": names, "q": query.get("q", ""), "node": "", "query": query}
    try:
        search = national.search_parse(query.get("q", ""), query.get("node", ""), set(names))
    except national.SearchError as error:
        context["error"] = error
        template = "hoso/hub/_registry.html" if wants_partial(request) else "hoso/hub/registry.html"
        return render(request, template, context, status=400)
    page = national.registry_page(search, _page(query.get("page")))
    rows = national.entry_rows(page, names)
    policies.registry_listed(
        request.user,
        query={"q": search.text, "node": search.node, "page": page.number},
        shown=[r["personal_id"] for r in rows],
        total=page.paginator.count,
    )
    context |= {"search": search, "node": search.node, "page": page, "rows": rows}
    template = "hoso/hub/_registry.html" if wants_partial(request) else "hoso/hub/registry.html"
    return render(request, template, context)


def _page(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@operators_only("statistics")
def hub_statistics(request: HttpRequest) -> HttpResponse:
    figures = national.statistics()
    sections = [
        {
            "id": f"bieu-do-{index}",
            "title": title,
            "chart": stats_presenters.count_chart(f"Số người theo {title.lower()}", items),
            "rows": [
                (label, n, 100 * n / figures.total if figures.total else 0) for label, n in items
            ],
        }
        for index, (title, items) in enumerate(figures.by.items())
    ]
    return render(request, "hoso/hub/statistics.html", {"figures": figures, "sections": sections})


@operators_only("nodes")
def hub_nodes(request: HttpRequest) -> HttpResponse:
    context = {"nodes": national.lag(), "poll_seconds": LAG_POLL_SECONDS}
    template = "hoso/hub/_nodes.html" if wants_partial(request) else "hoso/hub/nodes.html"
    return render(request, template, context)
