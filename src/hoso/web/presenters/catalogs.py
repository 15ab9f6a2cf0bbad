"""Catalogs as choices of the pages' forms."""

from __future__ import annotations

from datetime import date

from hoso.catalog.selectors import entries


def catalog_choices(catalog: str, on: date) -> list[tuple[str, str]]:
    return list(entries(catalog, on=on).values_list("code", "name"))
