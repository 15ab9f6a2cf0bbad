"""Benchmark: the workforce statistics on N synthetic dossiers (issue 11, R-STATS, R-FAST).

    .venv/bin/python bench/stats.py --people 20000
    .venv/bin/python bench/stats.py --people 1000000 --reuse

Runs against PostgreSQL (`--database-url`, default a `hoso_bench_stats` database on 127.0.0.1;
dropped and re-created unless `--reuse`, then `hoso demo --no-serve --people 0` and
`hoso seed --people N --seed 7`, as bench/search_and_dossier.py does). Times, through the API
as a records manager of the province (the `quanly` persona):

- every one-dimension breakdown of the province and of the whole node (both roots) as of
  today — target p95 < 1 s;
- crossed breakdowns of the province as of a past date — target < 3 s;
- the whole report form of the province (`reports.ministry_report` + the .xlsx the page
  sends) — target < 5 s;

and beside each the same counts as hand-written SQL, run in the same process, whose numbers
must equal the API's (`"equal": true`). The load average (1 min) is noted at every figure.
Writes bench/results/stats-postgresql-<N>.json. Not a test: run on demand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CROSSED = [("unit", "sex"), ("age_band", "sex"), ("rank", "qualification"), ("party", "unit")]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "max_ms": round(max(ms), 1),
        "mean_ms": round(statistics.mean(ms), 1),
    }


def load() -> float:
    return round(os.getloadavg()[0], 2)


def timed(fn, repeat: int) -> tuple[list[float], object]:
    out, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - start) * 1000)
    return out, result


def hoso(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(Path(sys.executable).parent / "hoso"), *args], check=True, env=env)


def psql(db: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-U", "postgres", "-h", "127.0.0.1", "-d", db, "-c", sql], check=True
    )


def seed(args: argparse.Namespace, env: dict[str, str], db_name: str) -> dict:
    psql("postgres", f"DROP DATABASE IF EXISTS {db_name}")
    psql("postgres", f"CREATE DATABASE {db_name}")
    hoso("demo", "--no-serve", "--people", "0", env=env)
    start = time.perf_counter()
    hoso("seed", "--people", str(args.people), "--seed", "7", env=env)
    elapsed = time.perf_counter() - start
    psql(db_name, "VACUUM ANALYZE")
    return {
        "people": args.people,
        "seconds": round(elapsed, 1),
        "people_per_second": round(args.people / elapsed),
    }


# --- The same counts in SQL --------------------------------------------------------------------
# Who is counted, written by hand from what analytics.selectors._people and
# access.policies.counting_scope say: the dossier is not protected (state secret, special
# category) and the person's current unit lies in the reader's duty; today, the person is at
# work («đang công tác») in the unit's subtree; on an earlier day, the work-history row in force
# then (the latest if several; an open row naming no unit of the node: the current unit) lies
# in it. The Party and rank values are always read from their dated rows, so the comparison
# also checks the current-state columns that today's count reads.

AT_WORK = """
    SELECT DISTINCT ON (w.person_id) w.person_id, w.organization_id
    FROM people_workhistory w
    WHERE w.from_date <= %(on)s AND (w.to_date IS NULL OR w.to_date >= %(on)s)
      AND (w.organization_id IS NOT NULL OR w.to_date IS NULL)
    ORDER BY w.person_id, w.from_date DESC, w.id DESC
"""
COUNTED_PAST = f"""
    FROM ({AT_WORK}) at
    JOIN people_person p ON p.id = at.person_id
    JOIN orgs_organization o ON o.id = coalesce(at.organization_id, p.current_unit_id)
    JOIN orgs_organization cu ON cu.id = p.current_unit_id
    WHERE o.path LIKE %(unit)s AND cu.path LIKE %(duty)s
      AND p.secret_label = '' AND NOT p.special_category
"""
COUNTED_TODAY = """
    FROM people_person p
    JOIN orgs_organization o ON o.id = p.current_unit_id
    JOIN orgs_organization cu ON cu.id = p.current_unit_id
    WHERE o.path LIKE %(unit)s AND cu.path LIKE %(duty)s AND p.status = 'working'
      AND p.secret_label = '' AND NOT p.special_category
"""


def counted(on: date) -> str:
    from hoso.core.dates import today

    return COUNTED_TODAY if on == today() else COUNTED_PAST


RANK_ON = """(SELECT s.rank_code FROM people_salaryhistory s WHERE s.person_id = p.id
    AND s.from_date <= %(on)s ORDER BY s.from_date DESC, s.id DESC LIMIT 1)"""
PARTY_ON = """EXISTS (SELECT 1 FROM people_partymembership m WHERE m.person_id = p.id
    AND m.admission_date <= %(on)s AND (m.left_date IS NULL OR m.left_date > %(on)s))"""
SQL_BY = {
    "": "",
    "sex": "p.sex",
    "staff_category": "p.staff_category",
    "qualification": "p.highest_qualification",
    "political_theory": "p.political_theory",
    "state_management": "p.state_management",
    "party": PARTY_ON,
    "rank": RANK_ON,
}


def sql_count(cursor, dim: str, unit_path: str, duty_path: str, on: date) -> dict:
    column = SQL_BY[dim]
    params = {"on": on, "unit": unit_path + "%", "duty": duty_path + "%"}
    if not column:
        cursor.execute(f"SELECT count(*) {counted(on)}", params)  # noqa: S608
        return {(): cursor.fetchone()[0]}
    cursor.execute(f"SELECT {column} AS v, count(*) {counted(on)} GROUP BY v", params)  # noqa: S608
    return {(v if v is not None else "",): n for v, n in cursor.fetchall()}


def sql_unit_sex(cursor, unit, duty_path: str, on: date) -> dict:
    """The crossed count (unit directly under `unit`, sex) in SQL."""
    depth = unit.path.count("/") - 1
    params = {"on": on, "unit": unit.path + "%", "duty": duty_path + "%", "part": depth + 2}
    cursor.execute(
        "SELECT coalesce(nullif(split_part(o.path, '/', %(part)s), ''), "  # noqa: S608
        f"split_part(o.path, '/', %(part)s - 1)) AS below, p.sex, count(*) {counted(on)} "
        "GROUP BY below, p.sex",
        params,
    )
    return {(int(b), s): n for b, s, n in cursor.fetchall()}


def sql_report(cursor, unit, duty_path: str, on: date) -> dict:
    """The report's total row as one grouped SQL query (total, women, Party members,
    qualification and age columns), to set beside the form's figures."""
    params = {"on": on, "unit": unit.path + "%", "duty": duty_path + "%"}
    age = "date_part('year', age(%(on)s::date, p.birth_date))"
    cursor.execute(
        f"""SELECT count(*),
            count(*) FILTER (WHERE p.sex = 'F'),
            count(*) FILTER (WHERE {PARTY_ON}),
            count(*) FILTER (WHERE p.highest_qualification IN ('doctor', 'doctor_of_science')),
            count(*) FILTER (WHERE p.highest_qualification = 'master'),
            count(*) FILTER (WHERE p.highest_qualification = 'bachelor'),
            count(*) FILTER (WHERE {age} <= 30),
            count(*) FILTER (WHERE {age} > 60)
            {counted(on)}""",  # noqa: S608
        params,
    )
    keys = ["total", "women", "party", "doctor", "master", "bachelor", "to_30", "over_60"]
    return dict(zip(keys, cursor.fetchone(), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/hoso_bench_stats"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database and its people")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measured question")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "HOSO_DATA_DIR": os.environ.get("HOSO_DATA_DIR", "/tmp/hoso-bench-stats"),
        "HOSO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
    db_name = args.database_url.rsplit("/", 1)[1]
    generation = None if args.reuse else seed(args, env, db_name)
    # A reused node gets this tree's migrations (the counting index) and catalogs (report_form).
    hoso("migrate", "--no-input", env=env)
    hoso("catalog", "load", env=env)
    if args.reuse:
        psql(db_name, "VACUUM ANALYZE people_person")  # the visibility map of index-only scans

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from hoso.access.models import Role, RoleAssignment, User
    from hoso.access.services import role_assign, token_create, user_create
    from hoso.analytics import reports, selectors
    from hoso.core.dates import today
    from hoso.orgs.models import Organization
    from hoso.people.models import Person

    people_total = Person.objects.count()
    province = Organization.objects.get(code="NB")
    roots = list(Organization.objects.filter(depth=0).order_by("path"))
    # A records manager of every root: the whole node is their duty (made once, kept).
    admin = User.objects.get(username="quantri")
    reader = User.objects.filter(username="bench_thongke").first() or user_create(
        acting_user=None,
        username="bench_thongke",
        password="Bench-thong-ke-2026!",  # noqa: S106 (a benchmark node's account, no login)
        full_name="Đo hiệu năng thống kê",
    )
    for root in roots:
        if not RoleAssignment.objects.filter(user=reader, organization=root).exists():
            role_assign(
                acting_user=admin,
                user=reader,
                role=Role.RECORDS_MANAGER,
                organization=root,
                valid_from=date(2000, 1, 1),
                decision_ref="bench/stats.py",
            )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=reader)}")
    on_today = today()
    past = date(on_today.year - 1, 12, 31)  # the end of last year (the province: 1/7/2025)
    results: dict[str, object] = {}

    def api(unit_code: str, by: str, on: date) -> dict:
        response = client.get(
            "/api/v1/stats/workforce", {"unit": unit_code, "by": by, "as_of": on.isoformat()}
        )
        assert response.status_code == 200, response.content
        return response.json()

    def api_counts(body: dict, dims: list[str]) -> dict:
        out: dict = {}
        for g in body["groups"]:
            key = tuple("" if g["key"][d] is None else g["key"][d] for d in dims)
            out[key] = out.get(key, 0) + g["count"]
        return out

    def cursor_run(fn, *a):
        with connection.cursor() as cursor:
            return fn(cursor, *a)

    # 1. One dimension, as of today: the province, and the whole node (every root, summed).
    for scope, units in (("province", [province]), ("whole node", roots)):
        ms_all: list[float] = []
        per_dim = {}
        before = load()
        api(units[0].code, "", on_today)  # warm the connection, the gate and the caches
        for dim in ("", *selectors.DIMENSIONS):
            ms, _ = timed(
                lambda d=dim, us=units: [api(u.code, d, on_today) for u in us], args.repeat
            )
            ms_all += ms
            per_dim[dim or "total"] = {**summary(ms), "load": load()}
        results[f"one dimension, {scope}, today"] = {
            **summary(ms_all),
            "load_before": before,
            "load_after": load(),
            "target_p95_ms": 1000,
            "per_dimension": per_dim,
        }
        sql_ms: list[float] = []
        checks = {}
        for dim in SQL_BY:
            bodies = [api(u.code, dim, on_today) for u in units]
            mine: dict = {}
            for b in bodies:
                for k, n in (api_counts(b, [dim]) if dim else {(): b["total"]}).items():
                    mine[k] = mine.get(k, 0) + n
            ms, theirs = timed(
                lambda d=dim, us=units: _sum(
                    [cursor_run(sql_count, d, u.path, u.path, on_today) for u in us]
                ),
                args.repeat,
            )
            sql_ms += ms
            checks[dim or "total"] = mine == theirs
        results[f"raw SQL, one dimension, {scope}, today"] = {
            **summary(sql_ms),
            "load": load(),
            "dimensions": sorted(checks),
            "equal": all(checks.values()),
            "unequal": [d for d, ok in checks.items() if not ok],
        }

    # 2. Two dimensions crossed, the province, as of a past date.
    ms_all = []
    per_pair = {}
    before = load()
    for pair in CROSSED:
        by = ",".join(pair)
        ms, _ = timed(lambda b=by: api(province.code, b, past), args.repeat)
        ms_all += ms
        per_pair[by] = {**summary(ms), "load": load()}
    results[f"two dimensions, province, as of {past:%d/%m/%Y}"] = {
        **summary(ms_all),
        "load_before": before,
        "load_after": load(),
        "target_max_ms": 3000,
        "per_pair": per_pair,
    }
    body = api(province.code, "unit,sex", past)
    codes = {o.code: o.pk for o in Organization.objects.filter(path__startswith=province.path)}
    mine = {(codes[g["key"]["unit"]], g["key"]["sex"]): g["count"] for g in body["groups"]}
    ms, theirs = timed(lambda: cursor_run(sql_unit_sex, province, province.path, past), args.repeat)
    results[f"raw SQL, unit × sex, province, as of {past:%d/%m/%Y}"] = {
        **summary(ms),
        "load": load(),
        "equal": mine == theirs,
    }

    # 3. The whole report form of the province, as of today (what the download computes).
    def report() -> object:
        # As the download view runs it: one request, so one access decision (memo) for all
        # the form's counting scopes (core.context keeps it per request).
        from hoso.core.context import _memo

        token = _memo.set({})
        try:
            form = reports.ministry_report(user=reader, unit=province, as_of=on_today)
            reports.report_xlsx(form)
        finally:
            _memo.reset(token)
        return form

    before = load()
    ms, form = timed(report, args.repeat)
    by_code = dict(zip([c.code for c in form.flat_columns], form.total.values, strict=True))
    results["report form, province, today"] = {
        **summary(ms),
        "load_before": before,
        "load_after": load(),
        "target_max_ms": 5000,
        "rows": len(form.rows),
        "columns": len(form.flat_columns),
    }
    ms, theirs = timed(
        lambda: cursor_run(sql_report, province, province.path, on_today), args.repeat
    )
    mine = {
        "total": by_code["total"],
        "women": by_code["women"],
        "party": by_code["party"],
        "doctor": by_code["doctor"],
        "master": by_code["master"],
        "bachelor": by_code["bachelor"],
        "to_30": by_code["age_to_30"],
        "over_60": by_code["age_over_60"],
    }
    results["raw SQL, report total row (8 columns in one query), province, today"] = {
        **summary(ms),
        "load": load(),
        "equal": mine == theirs,
        "sql": theirs,
    }

    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/stats.py " + " ".join(sys.argv[1:]),
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
        "people_in_database": people_total,
        "counted_in_province_today": api(province.code, "", on_today)["total"],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "generation": generation,
        "latency": results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"stats-{connection.vendor}-{people_total}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, ensure_ascii=False, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


def _sum(parts: list[dict]) -> dict:
    out: dict = {}
    for part in parts:
        for k, n in part.items():
            out[k] = out.get(k, 0) + n
    return out


if __name__ == "__main__":
    main()
