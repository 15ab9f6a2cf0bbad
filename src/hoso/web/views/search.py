from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from hoso.access import policies, recorder
from hoso.core.dates import today
from hoso.people.selectors import people_search
from hoso.web.forms.search import SearchForm
from hoso.web.presenters import dossier, session
from hoso.web.presenters.paging import SearchPaginator
from hoso.web.views.common import filled, no_dossier, url_with, wants_partial


@login_required
@never_cache
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    if session.reads_no_dossier(request):
        return no_dossier(request, "hoso/search.html")
    on = today()
    form = SearchForm(request.GET, units=session.scope_units(request, on), on=on)
    query = filled(request.GET)
    context: dict = {"form": form, "query": query}
    status = 200
    if form.is_valid():
        people = people_search(
            scope=policies.people_scope(request.user), q=form.cleaned_data["q"],
            filters=form.filters(), on=on,
        )
        page = SearchPaginator(people, settings.HOSO_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = dossier.result_rows(request.user, list(page.object_list))
        # A page of results shows names: who was shown to whom is recorded.
        recorder.search_listed(
            request.user, query=query.dict(), shown=[r.personal_id for r in rows],
            total=page.paginator.count,
        )
        context |= {"page": page, "rows": rows}
    else:
        # htmx does not swap 4xx answers by default: live search shows the message with 200.
        status = 200 if wants_partial(request) else 400
    if wants_partial(request):
        response = render(request, "hoso/search/_results.html", context, status=status)
        return push_url(response, url_with(request, query))
    return render(request, "hoso/search.html", context, status=status)
