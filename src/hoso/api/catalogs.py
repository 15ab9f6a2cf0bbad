"""/api/v1/catalogs: shared reference data with validity dates and legal basis."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from hoso.api.params import OptDate, responses
from hoso.api.schemas import CatalogOut, CatalogSummary
from hoso.catalog import selectors
from hoso.core.errors import NotFound

router = Router(tags=["Danh mục"])


@router.get(
    "/catalogs", response=responses({200: list[CatalogSummary]}), summary="Các danh mục dùng chung"
)
def catalog_list(request: HttpRequest) -> list[dict]:
    return [
        {
            "name": c.name,
            "title": c.title,
            "legal_basis": c.legal_basis,
            "entries": c.entry_count,
        }
        for c in selectors.catalogs_with_counts()
    ]


@router.get(
    "/catalogs/{name}",
    response=responses({200: CatalogOut}, 404),
    summary="Một danh mục và các mục còn hiệu lực (vào một ngày, dưới một mục cha)",
)
def catalog_detail(request: HttpRequest, name: str, on: OptDate = None, parent: str = "") -> dict:
    catalog = selectors.catalog_get(name)
    if catalog is None:
        raise NotFound(f"Không có danh mục «{name}».")
    rows = selectors.entries_found(name, on=on, parent=parent)
    return {
        "name": catalog.name,
        "title": catalog.title,
        "description": catalog.description,
        "legal_basis": catalog.legal_basis,
        "entries": list(rows),
    }
