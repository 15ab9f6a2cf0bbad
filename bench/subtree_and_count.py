"""Benchmark: the unit-subtree filter and the search count at size (issue 13, items 1–2).

    HOSO_DATA_DIR=/tmp/hoso-perf13 .venv/bin/python bench/subtree_and_count.py \
        --database-url postgresql://postgres@127.0.0.1:5432/hoso_perf13 [--repeat 20]

On a node another script built (`hoso demo --no-serve --people 0`, then `hoso seed`), in the
same run and on the same rows:

- the filtered searches of `search_and_dossier.py` that name a unit, as the reader's scope
  and filter joined to the organizations (`current_unit__path LIKE`, before) and on the
  person's stored path (`unit_path LIKE`, after): the capped count (limit + 1) and the first
  page, p50/p95, each with the EXPLAIN ANALYZE of its count;
- one common word: the exact COUNT against `search_count` (exact up to HOSO_COUNT_LIMIT, then
  the planner's estimate), with the estimate beside the true number;
- the API search (`/api/v1/people`) of the same filtered queries, as it now runs.

Prints and writes bench/results/subtree-count-<vendor>-<N>.json. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from search_and_dossier import summary, timed  # noqa: E402

VARIANTS = (("join (before)", "current_unit__path"), ("stored (after)", "unit_path"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("HOSO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from hoso.access import policies
    from hoso.access.models import User
    from hoso.access.services import token_create
    from hoso.orgs.models import Organization
    from hoso.people.models import Person
    from hoso.people.selectors import SearchFilters, people_search, search_count

    total = Person.objects.count()
    user = User.objects.get(username="quanly")
    duties = [path for path, _ceiling in policies.gate_for(user).reading_duties]
    unprotected = Q(secret_label="", special_category=False)

    def scope(field: str) -> Q:
        allowed = Q(pk__in=[])
        for path in duties:
            allowed |= Q(**{f"{field}__startswith": path}) & unprotected
        return allowed

    units = list(Organization.objects.filter(depth=1).order_by("code"))
    big = max(units, key=lambda u: Person.objects.filter(unit_path__startswith=u.path).count())
    queries = [
        ("unit + sex + age", "", SearchFilters(unit=big, sex="F", age_min=30, age_max=45)),
        (
            "q=nguyen + unit + category",
            "nguyen",
            SearchFilters(unit=big, staff_category="civil_servant"),
        ),
        ("unit only", "", SearchFilters(unit=big)),
    ]
    limit = settings.HOSO_COUNT_LIMIT

    def variant(q: str, filters: SearchFilters, field: str):
        unitless = SearchFilters(**{**filters.__dict__, "unit": None})
        qs = people_search(scope=scope(field), q=q, filters=unitless)
        return qs.filter(**{f"{field}__startswith": filters.unit.path})

    def run(qs) -> None:
        qs.order_by().values("pk")[: limit + 1].count()
        list(qs[:20])

    def explain(qs) -> str:
        sql, params = qs.order_by().values("pk")[: limit + 1].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) s", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    results: dict[str, object] = {"unit": {"code": big.code, "path": big.path}}
    for label, q, filters in queries:
        for name, field in (
            ("join (before)", "current_unit__path"),
            ("stored (after)", "unit_path"),
        ):
            qs = variant(q, filters, field)
            run(qs)
            results[f"{label}: {name}"] = {
                **summary(timed(lambda qs=qs: run(qs), args.repeat)),
                "explain": explain(qs),
            }

    word = people_search(scope=scope("unit_path"), q="nguyen")
    results["common word 'nguyen': exact COUNT (before)"] = summary(
        timed(lambda: word.order_by().count(), args.repeat)
    )
    results["common word 'nguyen': search_count (after)"] = summary(
        timed(lambda: search_count(word, limit=limit), args.repeat)
    )
    found = search_count(word, limit=limit)
    results["common word 'nguyen': figures"] = {
        "true": word.order_by().count(),
        "shown": found.value,
        "exact": found.exact,
        "limit": limit,
    }

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=user)}")
    for params in (
        {"unit": big.code, "sex": "F", "age_min": 30, "age_max": 45},
        {"q": "nguyen", "unit": big.code, "staff_category": "civil_servant"},
        {"q": "nguyen"},
    ):

        def api(p=params) -> None:
            response = client.get("/api/v1/people", p)
            assert response.status_code == 200, response.content

        api()
        results[f"API {params}"] = summary(timed(api, args.repeat))

    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/subtree_and_count.py " + " ".join(sys.argv[1:]),
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
        "people_in_database": total,
        "results": results,
    }
    out = ROOT / "bench" / "results" / f"subtree-count-{connection.vendor}-{total}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key, value in results.items():
        if isinstance(value, dict):
            print(key, {k: v for k, v in value.items() if k != "explain"})
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
