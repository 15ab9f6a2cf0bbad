from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from hoso.catalog import selectors as catalogs
from hoso.core.dates import today
from hoso.web.forms.reference import CatalogFilterForm
from hoso.web.views.common import filled, not_found, url_with, wants_partial

ENTRIES_PER_PAGE = 50


@login_required
def catalog_list(request: HttpRequest) -> HttpResponse:
    return render(request, "hoso/catalogs/list.html", {"catalogs": catalogs.catalogs_with_counts()})


@login_required
@vary_on_headers("HX-Request")
def catalog_detail(request: HttpRequest, name: str) -> HttpResponse:
    catalog = catalogs.catalog_get(name)
    if catalog is None:
        return not_found(request, what="danh mục")
    form = CatalogFilterForm(request.GET)
    form.is_valid()  # both fields are optional; a too long text is simply cut
    q = (form.cleaned_data.get("q") or request.GET.get("q", ""))[:100]
    on = today() if form.cleaned_data.get("hieu_luc") else None
    rows = catalogs.entries_found(name, q=q, on=on)
    page = Paginator(rows, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = filled(request.GET)
    context = {"catalog": catalog, "form": form, "page": page, "q": q, "query": query,
               "has_parents": catalogs.has_parents(rows)}
    if wants_partial(request):
        response = render(request, "hoso/catalogs/_entries.html", context)
        return push_url(response, url_with(request, query))
    return render(request, "hoso/catalogs/detail.html", context)
