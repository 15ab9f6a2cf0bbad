"""Benchmark: the server time of the main web pages, per persona (issue 13: every page
p95 < 150 ms at national size, whatever the reader's scope).

    HOSO_DATA_DIR=/tmp/hoso-bench-stats .venv/bin/python bench/pages.py \
        --database-url postgresql://postgres@127.0.0.1:5432/hoso_bench_300k

Runs on a node a benchmark already built (`bench/stats.py` or `bench/search_and_dossier.py`,
with the same `HOSO_DATA_DIR` for its keys). Each persona logs in through both steps of the
login page (password, then the TOTP code — its password is set to a benchmark one), then each
page is fetched `--repeat` times through Django's in-process client: the figures are the
server's time, queries included, without a network or a browser. Prints and writes to
`bench/results/pages-postgresql-N.json`, with the load average beside each figure and the
number of SQL queries of one request. Not a test: run on demand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-pages-Mật-khẩu-1"  # noqa: S105 - a benchmark account's, on a benchmark node

PERSONAS = ("quanly", "nhaplieu", "lanhdao", "thanhtra")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def summary(ms: list[float], queries: int, status: int) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "mean_ms": round(statistics.mean(ms), 1),
        "queries": queries,
        "status": status,
        "load": round(os.getloadavg()[0], 2),
    }


def signed_in(username: str):
    """A client through both login steps, as the tests' `login` does."""
    from django.test import Client
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hoso.access.mfa import acceptable_code, confirmed_device
    from hoso.access.models import User
    from hoso.access.services import totp_enrol

    user = User.objects.get(username=username)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    device = confirmed_device(user) or totp_enrol(acting_user=None, user=user)[0]
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    client = Client()
    first = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert first.status_code == 302, first.status_code
    second = client.post(reverse("web:otp"), {"code": acceptable_code(device)[0]})
    assert second.status_code == 302, second.status_code
    return client


def pages(person_ids: list[str], unit_code: str) -> dict[str, callable]:
    rng = random.Random(7)
    return {
        "search page": lambda: "/",
        "search, common word": lambda: "/?q=nguyen",
        "dossier page": lambda: f"/ho-so/{rng.choice(person_ids)}/",
        "organisation tree": lambda: "/to-chuc/",
        "unit page": lambda: f"/to-chuc/{unit_code}/",
        "work list": lambda: "/viec-can-lam/",
        "statistics": lambda: "/thong-ke/",
        "completeness": lambda: "/muc-do-day-du/",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/hoso_bench_stats"
    )
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "HOSO_DATA_DIR": os.environ.get("HOSO_DATA_DIR", "/tmp/hoso-bench-stats"),
            "HOSO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    from hoso.access import policies
    from hoso.access.models import User
    from hoso.orgs.models import Organization
    from hoso.people.models import Person

    total = Person.objects.count()
    province = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    unit = Organization.objects.filter(parent=province).order_by("pk").first() or province
    results: dict[str, dict] = {}
    for username in PERSONAS:
        client = signed_in(username)
        # Dossiers this persona may open (a clerk's unit, a leader's province…): a refusal
        # page would time the 404, not the dossier.
        person_ids = list(
            Person.objects.filter(policies.people_scope(User.objects.get(username=username)))
            .order_by("pk")
            .values_list("personal_id", flat=True)[:500]
        )
        for name, url in pages(person_ids, unit.code).items():
            client.get(url())  # warm: first-request caches, the catalogs
            count = [0]

            def counted(execute, sql, params, many, context, count=count):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counted):
                status = client.get(url()).status_code
            ms = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                client.get(url())
                ms.append((time.perf_counter() - start) * 1000)
            results[f"{username}: {name}"] = summary(ms, count[0], status)
            print(f"{username:9} {name:22} {results[f'{username}: {name}']}", flush=True)
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/pages.py " + " ".join(sys.argv[1:]),
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
        "people_in_database": total,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "target_p95_ms": 150,
        "latency": results,
    }
    out = ROOT / "bench" / "results" / f"pages-{connection.vendor}-{total}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
