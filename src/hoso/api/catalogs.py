"""/api/v1/catalogs: shared reference data with validity dates and legal basis."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router

from hoso.api.schemas import CatalogOut, CatalogSummary, ErrorOut
from hoso.catalog import selectors
from hoso.catalog.models import Catalog
from hoso.core.errors import NotFound

router = Router(tags=["catalogs"])


@router.get("/catalogs", response={200: list[CatalogSummary], 401: ErrorOut})
def catalog_list(request: HttpRequest) -> list[dict]:
    return [
        {
            "name": c.name,
            "title": c.title,
            "legal_basis": c.legal_basis,
            "entries": c.entries.count(),
        }
        for c in selectors.catalog_list()
    ]


@router.get("/catalogs/{name}", response={200: CatalogOut, 401: ErrorOut, 404: ErrorOut})
def catalog_detail(
    request: HttpRequest, name: str, on: date | None = None, parent: str = ""
) -> dict:
    catalog = Catalog.objects.filter(name=name).first()
    if catalog is None:
        raise NotFound(f"Không có danh mục «{name}».")
    rows = selectors.entries(name, on=on)
    if parent:
        rows = rows.filter(parent_code=parent)
    return {
        "name": catalog.name,
        "title": catalog.title,
        "description": catalog.description,
        "legal_basis": catalog.legal_basis,
        "entries": list(rows),
    }
