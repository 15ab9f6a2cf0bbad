"""Import benchmark (issue 13; not a test): N generated dossiers as JSON lines and as hoso's
workbook, imported as change sets and approved in one signed batch, on the node's database.

    DATABASE_URL=postgresql://…/hoso_imp HOSO_DATA_DIR=… python bench/import.py N [--out FILE]

The node must be a demo node (`hoso demo --no-serve --people 0`: the personas and their keys).
Prints and writes JSON: dossiers/s per format and for the approval, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    files = {}
    for fmt, seed in (("jsonl", 13), ("xlsx", 14)):
        prefix = args.work / f"bench-import-{fmt}-{args.count}"
        subprocess.run(
            [sys.executable, str(HERE / "import_files.py"), str(args.count), str(prefix),
             "--seed", str(seed), "--importer", "nhaptinh"],
            check=True,
        )
        files[fmt] = Path(f"{prefix}.{fmt}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from django.db import connection

    from hoso.access.models import User
    from hoso.exchange.imports.services import batch_approve, import_run

    importer = User.objects.get(username="nhaptinh")
    approver = User.objects.get(username="quanly")
    result: dict = {"count": args.count, "database": connection.vendor, "runs": {}}
    batch_id = None
    for fmt, path in files.items():
        load = os.getloadavg()
        began = time.perf_counter()
        outcome = import_run(acting_user=importer, paths=[path], dry_run=False)
        seconds = time.perf_counter() - began
        batch_id = outcome.batch_id
        result["runs"][fmt] = {
            "seconds": round(seconds, 2),
            "imported": outcome.imported,
            "failed": outcome.failed,
            "per_second": round(outcome.read / seconds, 1),
            "loadavg_before": load,
            "bytes": path.stat().st_size,
        }
    load = os.getloadavg()
    began = time.perf_counter()
    batch = batch_approve(acting_user=approver, batch_id=batch_id)
    seconds = time.perf_counter() - began
    approved = batch.items.count()
    result["approval"] = {
        "seconds": round(seconds, 2),
        "dossiers": approved,
        "per_second": round(approved / seconds, 1),
        "loadavg_before": load,
    }
    result["loadavg_after"] = os.getloadavg()
    text = json.dumps(result, indent=1)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
