"""Import benchmark (issue 13; not a test): N generated dossiers as JSON lines and as hoso's
workbook, imported as change sets and approved in one signed batch, on the node's database.

    DATABASE_URL=postgresql://…/hoso_imp HOSO_DATA_DIR=… python bench/import.py N [--out FILE]
        [--jobs J] [--formats jsonl,xlsx] [--no-approve] [--profile DIR]

The node must be a demo node (`hoso demo --no-serve --people 0`: the personas and their keys).
Each format's file is generated after the previous format landed (its people's serials follow
the ones already proposed). Prints and writes JSON: dossiers/s per format and for the approval,
the load average, the peak RSS of each phase, and the raw COPY rate of the same rows.
`--profile DIR` runs each phase under cProfile and writes DIR/PHASE.txt (top functions).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _children_rss_mb() -> float:
    """The largest peak RSS of the finished worker processes (and generators)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def _profiled(directory: Path | None, name: str, call):  # noqa: ANN001, ANN202
    if directory is None:
        return call()
    profile = cProfile.Profile()
    result = profile.runcall(call)
    directory.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    (directory / f"{name}.txt").write_text(text.getvalue(), encoding="utf-8")
    return result


def _raw_copy(connection, path: Path) -> dict:  # noqa: ANN001
    """The ceiling beside the import: the same file's lines COPYed as raw rows (id, JSON
    text) into a temporary table, in one transaction, no check, no encryption."""
    if connection.vendor != "postgresql":
        return {}
    lines = path.read_bytes().splitlines()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_copy (n integer, body text)")
        with cursor.cursor.copy("COPY bench_copy (n, body) FROM STDIN") as copy:
            for n, line in enumerate(lines):
                copy.write_row((n, line.decode("utf-8")))
        cursor.execute("DROP TABLE bench_copy")
    seconds = time.perf_counter() - began
    return {
        "rows": len(lines),
        "seconds": round(seconds, 2),
        "per_second": round(len(lines) / seconds, 1),
    }


def _generate(args: argparse.Namespace, fmt: str, seed: int) -> Path:
    prefix = args.work / f"bench-import-{fmt}-{args.count}-{seed}"
    command = [
        sys.executable,
        str(HERE / "import_files.py"),
        str(args.count),
        str(prefix),
        "--seed",
        str(seed),
        "--importer",
        "nhaptinh",
        "--format",
        fmt,
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return Path(f"{prefix}.{fmt}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--formats", default="jsonl,xlsx")
    parser.add_argument("--no-approve", action="store_true")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from django.db import connection

    from hoso.access.models import User
    from hoso.exchange.imports.services import batch_approve, import_run

    subprocess.run(  # the importer account, before the first run
        [
            sys.executable,
            str(HERE / "import_files.py"),
            "0",
            str(args.work / "none"),
            "--importer",
            "nhaptinh",
            "--format",
            "jsonl",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    importer = User.objects.get(username="nhaptinh")
    approver = User.objects.get(username="quanly")
    result: dict = {"count": args.count, "database": connection.vendor, "runs": {}}
    kwargs = {} if args.jobs is None else {"jobs": args.jobs}
    for number, fmt in enumerate(args.formats.split(",")):
        path = _generate(args, fmt, args.seed + number)  # after the previous format landed
        load = os.getloadavg()
        began = time.perf_counter()
        outcome = _profiled(
            args.profile,
            f"import-{fmt}-{args.count}",
            lambda path=path: import_run(
                acting_user=importer, paths=[path], dry_run=False, **kwargs
            ),
        )
        seconds = time.perf_counter() - began
        run = result["runs"][fmt] = {
            "seconds": round(seconds, 2),
            "read": outcome.read,
            "imported": outcome.imported,
            "failed": outcome.failed,
            "issue_codes": sorted({i.code for i in outcome.issues}),
            "per_second": round(outcome.read / seconds, 1),
            "loadavg_before": load,
            "loadavg_after": os.getloadavg(),
            "bytes": path.stat().st_size,
            "peak_rss_mb_so_far": _rss_mb(),
            "peak_rss_children_mb_so_far": _children_rss_mb(),
        }
        if fmt == "jsonl":
            run["raw_copy"] = _raw_copy(connection, path)
        sys.stderr.write(f"{fmt}: {run}\n")
        if args.no_approve or not outcome.batch_id:
            continue
        load = os.getloadavg()
        began = time.perf_counter()
        batch = _profiled(
            args.profile,
            f"approve-{fmt}-{args.count}",
            lambda batch_id=outcome.batch_id: batch_approve(
                acting_user=approver, batch_id=batch_id, **kwargs
            ),
        )
        seconds = time.perf_counter() - began
        approved = batch.items.count()
        run["approval"] = {
            "seconds": round(seconds, 2),
            "dossiers": approved,
            "per_second": round(approved / seconds, 1),
            "loadavg_before": load,
            "loadavg_after": os.getloadavg(),
            "peak_rss_mb_so_far": _rss_mb(),
        }
        sys.stderr.write(f"{fmt} approval: {run['approval']}\n")
    result["loadavg_after"] = os.getloadavg()
    text = json.dumps(result, indent=1)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
