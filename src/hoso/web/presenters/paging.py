"""A paginator for searches over millions of people: Django's, but counted by
`people.selectors.search_count` — exact up to `HOSO_COUNT_LIMIT`, beyond it PostgreSQL's
estimate — so a page of a common name never waits for an exact COUNT (issue 13)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator

from hoso.people.selectors import SearchCount, search_count


class SearchPaginator(Paginator):
    """`count` is the estimate when `count_exact` is false; the pager then names the number of
    pages "khoảng" and offers no jump to a last page it cannot know."""

    def __init__(self, object_list: Any, per_page: int, limit: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.limit = settings.HOSO_COUNT_LIMIT if limit is None else limit

    @cached_property
    def found(self) -> SearchCount:
        return search_count(self.object_list, limit=self.limit)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self.found.value

    @property
    def count_exact(self) -> bool:
        return self.found.exact

    @property
    def count_shown(self) -> int:
        """The estimate as a person reads it: to the thousand (to the hundred below 10,000)."""
        if self.count_exact:
            return self.count
        step = 1000 if self.count >= 10_000 else 100
        return max(step, round(self.count / step) * step)
