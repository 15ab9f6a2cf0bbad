"""Reading catalogs (public reference data; no dossier content)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db.models import Count, Q, QuerySet

from hoso.catalog.models import Catalog, CatalogEntry
from hoso.core.text import normalize


def entries(catalog: str, *, on: date | None = None) -> QuerySet[CatalogEntry]:
    """Entries of a catalog, those valid on `on` when given."""
    qs = CatalogEntry.objects.filter(catalog_id=catalog)
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    return qs.order_by("sort_order", "code")


def catalog_list() -> QuerySet[Catalog]:
    return Catalog.objects.order_by("name")


def catalogs_with_counts() -> QuerySet[Catalog]:
    """Every catalog by name, with how many entries it has (`entry_count`), in one query."""
    return catalog_list().annotate(entry_count=Count("entries"))


def catalog_get(name: str) -> Catalog | None:
    return catalog_list().filter(name=name).first()


def entries_found(
    catalog: str, *, q: str = "", on: date | None = None, parent: str = ""
) -> QuerySet[CatalogEntry]:
    """Entries of a catalog whose code starts with, or whose name contains, every word of `q`
    (accents and case ignored); valid on `on` and under `parent` when given."""
    qs = entries(catalog, on=on)
    for word in normalize(q).split():
        qs = qs.filter(Q(name_norm__contains=word) | Q(code__istartswith=word))
    return qs.filter(parent_code=parent) if parent else qs


def has_parents(qs: QuerySet[CatalogEntry]) -> bool:
    """Some of these entries sit under a parent entry (the page shows the parent column)."""
    return qs.exclude(parent_code="").exists()


@lru_cache(maxsize=128)
def _names(catalog: str) -> dict[str, str]:
    # Latest name of each code; catalogs are small, so one query per catalog per process.
    names: dict[str, str] = {}
    for code, name in entries(catalog).values_list("code", "name").order_by("valid_from"):
        names[code] = name
    return names


@lru_cache(maxsize=64)
def attrs_map(catalog: str) -> dict[str, dict]:
    """Latest attributes of each code of a small catalog (cached until the next load)."""
    out: dict[str, dict] = {}
    for code, attrs in entries(catalog).values_list("code", "attrs").order_by("valid_from"):
        out[code] = dict(attrs)
    return out


def name_of(catalog: str, code: str | None) -> str:
    if not code:
        return ""
    return _names(catalog).get(code, code)


def codes(catalog: str) -> set[str]:
    return set(_names(catalog))


def attrs_of(catalog: str, code: str) -> dict:
    row = entries(catalog).filter(code=code).order_by("-valid_from").first()
    return dict(row.attrs) if row else {}


def clear_cache() -> None:
    """Called after catalogs are loaded so the new names show without a restart."""
    _names.cache_clear()
    attrs_map.cache_clear()
