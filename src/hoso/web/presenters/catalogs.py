"""Catalogs as the pages show them: choices of a form, the list with counts, entries found."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from hoso.catalog.models import Catalog, CatalogEntry
from hoso.catalog.selectors import catalog_list, entries
from hoso.core.text import normalize


def catalog_choices(catalog: str, on: date) -> list[tuple[str, str]]:
    return list(entries(catalog, on=on).values_list("code", "name"))


def catalogs_with_counts() -> QuerySet[Catalog]:
    return catalog_list().annotate(entry_count=Count("entries"))


def catalog_get(name: str) -> Catalog | None:
    return catalog_list().filter(name=name).first()


def catalog_entries(name: str, *, q: str, on: date | None) -> QuerySet[CatalogEntry]:
    qs = entries(name, on=on)
    words = normalize(q).split()
    for word in words:
        qs = qs.filter(Q(name_norm__contains=word) | Q(code__istartswith=word))
    return qs
