"""Benchmark: build N synthetic dossiers, then time search and dossier JSON (issue 2).

    .venv/bin/python bench/search_and_dossier.py --people 100000
    .venv/bin/python bench/search_and_dossier.py --people 1000000 --reuse

Runs against PostgreSQL (`--database-url`, default a `hoso_bench` database on 127.0.0.1; it is
dropped and re-created unless `--reuse`). Prints and writes to bench/results/:
generation rate, search latency p50/p95 through the API (names with and without diacritics,
filtered queries), dossier-JSON latency p50/p95, and the same search run as raw SQL.
Not a test: run on demand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

QUERIES = {
    "name with diacritics": [
        "Nguyễn Văn An",
        "Trần Thị Hoa",
        "Lê Minh Tuấn",
        "Phạm Thu Hà",
        "Đặng Quốc Bảo",
        "Hoàng Thị Lan",
    ],
    "name without diacritics": [
        "nguyen van an",
        "tran thi hoa",
        "le minh tuan",
        "pham thu ha",
        "dang quoc bao",
        "hoang thi lan",
    ],
    "one common word": ["nguyen", "thi", "van", "tran"],
    "rare name": ["ly thi ngoc", "duong van khanh", "ho thi my"],
}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "mean_ms": round(statistics.mean(ms), 2),
        # The 1-minute load average as the figure is taken: a loaded machine's p95 is not an
        # idle one's.
        "load": round(os.getloadavg()[0], 2),
    }


def hoso(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(ROOT / ".venv/bin/hoso"), *args], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/hoso_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the database and its people")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="hoso seed --jobs (processes)"
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "HOSO_DATA_DIR": os.environ.get("HOSO_DATA_DIR", "/tmp/hoso-bench"),
        # The in-process test client calls itself "testserver".
        "HOSO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
    db_name = args.database_url.rsplit("/", 1)[1]
    generation = None
    if not args.reuse:
        subprocess.run(
            [
                "psql",
                "-q",
                "-U",
                "postgres",
                "-h",
                "127.0.0.1",
                "-c",
                f"DROP DATABASE IF EXISTS {db_name}",
            ],
            check=True,
        )
        subprocess.run(
            ["psql", "-q", "-U", "postgres", "-h", "127.0.0.1", "-c", f"CREATE DATABASE {db_name}"],
            check=True,
        )
        hoso("demo", "--no-serve", "--people", "0", env=env)
        load_before = round(os.getloadavg()[0], 2)
        start = time.perf_counter()
        hoso("seed", "--people", str(args.people), "--seed", "7", "--jobs", str(args.jobs), env=env)
        elapsed = time.perf_counter() - start
        generation = {
            "people": args.people,
            "jobs": args.jobs,
            "seconds": round(elapsed, 1),
            "people_per_second": round(args.people / elapsed),
            "load_before": load_before,
            "load_after": round(os.getloadavg()[0], 2),
        }
        subprocess.run(
            [
                "psql",
                "-q",
                "-U",
                "postgres",
                "-h",
                "127.0.0.1",
                "-d",
                db_name,
                "-c",
                "VACUUM ANALYZE",
            ],
            check=True,
        )

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from hoso.access.models import User
    from hoso.access.services import token_create
    from hoso.core.text import normalize
    from hoso.orgs.models import Organization
    from hoso.people.models import Person

    total = Person.objects.count()
    user = User.objects.get(username="quanly")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=user)}")
    rng = random.Random(1)
    results: dict[str, object] = {}

    def api(params: dict) -> None:
        response = client.get("/api/v1/people", params)
        assert response.status_code == 200, response.content

    for label, terms in QUERIES.items():
        ms: list[float] = []
        for term in terms:
            api({"q": term})  # warm
            ms += timed(lambda t=term: api({"q": t}), max(3, args.repeat // len(terms)))
        results[f"search: {label}"] = summary(ms)

    units = list(Organization.objects.filter(depth=1).values_list("code", flat=True))
    filtered = [
        {"unit": rng.choice(units), "sex": "F", "age_min": 30, "age_max": 45},
        {"party_member": "true", "qualification": "master"},
        {"q": "nguyen", "unit": rng.choice(units), "staff_category": "civil_servant"},
        {"q": "thi", "ethnicity": "01", "age_min": 50},
    ]
    ms = []
    for params in filtered:
        api(params)
        ms += timed(lambda p=params: api(p), max(3, args.repeat // len(filtered)))
    results["search: filtered"] = summary(ms)

    from hoso.access.policies import people_scope

    # Dossiers the benchmark user may open (the province), so every request is a real read.
    ids = list(
        Person.objects.filter(people_scope(user))
        .order_by("?")
        .values_list("personal_id", flat=True)[:200]
    )
    ms = timed(lambda: client.get(f"/api/v1/people/{rng.choice(ids)}"), args.repeat * 3)
    results["dossier JSON (API)"] = summary(ms)

    def raw(term: str) -> None:
        words = normalize(term).split()
        where = " AND ".join(["search_text LIKE %s"] * len(words))
        params = [f"% {w}%" for w in words]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM people_person WHERE {where}", params)  # noqa: S608
            cursor.fetchone()
            cursor.execute(
                "SELECT personal_id, full_name FROM people_person "  # noqa: S608
                f"WHERE {where} ORDER BY sort_key, personal_id LIMIT 20",
                params,
            )
            cursor.fetchall()

    ms = []
    for term in QUERIES["name without diacritics"] + QUERIES["one common word"]:
        raw(term)
        ms += timed(lambda t=term: raw(t), max(3, args.repeat // 10))
    results["search: raw SQL (count + first page)"] = summary(ms)

    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/search_and_dossier.py " + " ".join(sys.argv[1:]),
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
        "people_in_database": total,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "generation": generation,
        "latency": results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"search-{connection.vendor}-{total}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, ensure_ascii=False, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
