"""Search counts at national size (issue 13, R-FAST): exact up to `HOSO_COUNT_LIMIT`, past it
PostgreSQL's planner estimate (no COUNT over millions), marked as an estimate; SQLite exact."""

from django.db import connection
from django.db.models import Q

from hoso.people.selectors import people_search, search_count

EVERYONE = ~Q(pk__in=[])


def test_a_count_within_the_limit_is_exact(make_dossier):
    for given in ["An", "Bình", "Cường"]:
        make_dossier(full_name=f"Lê Văn {given}")
    found = search_count(people_search(scope=EVERYONE, q="le"), limit=3)
    assert (found.value, found.exact) == (3, True)
    found = search_count(people_search(scope=EVERYONE, q="le van an"), limit=3)
    assert (found.value, found.exact) == (1, True)
    found = search_count(people_search(scope=EVERYONE, q="khong co ai"), limit=3)
    assert (found.value, found.exact) == (0, True)


def test_past_the_limit_postgresql_estimates_and_sqlite_counts(make_dossier):
    for given in ["An", "Bình", "Cường", "Dũng"]:
        make_dossier(full_name=f"Lê Văn {given}")
    found = search_count(people_search(scope=EVERYONE, q="le"), limit=2)
    if connection.vendor == "postgresql":
        assert found.exact is False
        assert found.value >= 3  # never below what was seen: more than the limit
    else:
        assert (found.value, found.exact) == (4, True)


def test_the_estimate_respects_the_scope_and_reads_no_rows(
    make_dossier, django_assert_max_num_queries
):
    for given in ["An", "Bình", "Cường"]:
        make_dossier(full_name=f"Lê Văn {given}")
    nobody = Q(pk__in=[])
    found = search_count(people_search(scope=nobody, q="le"), limit=1)
    assert (found.value, found.exact) == (0, True)
    with django_assert_max_num_queries(2):  # the capped count, then EXPLAIN or the count
        search_count(people_search(scope=EVERYONE, q="le"), limit=1)
