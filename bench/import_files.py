"""Write N generated dossiers (the demo generator, `hoso.demo.population`) as JSON lines and
as hoso's workbook, for the import benchmark and the kill -9 test. Run in a migrated node:

    HOSO_DATA_DIR=… python bench/import_files.py N OUT_PREFIX [--seed S] [--no-xlsx]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("prefix")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--format", choices=("jsonl", "xlsx"), help="Only this one.")
    parser.add_argument("--importer", help="Make this clerk account over the whole province.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from hoso.demo.population.seeding import seed_plan
    from hoso.exchange.imports.writer import workbook_write

    if args.importer:
        _importer(args.importer)
    if args.count == 0:
        return
    # Only the importer's province: central agencies' people would be refused (not_assigned).
    plan = seed_plan(count=args.count, seed=args.seed, unit_codes=["NB"] if args.importer else None)
    # A generator: a file of 100,000 is written without holding them all.
    dossiers = plan.population.dossiers(args.count, plan.start)
    if args.format == "xlsx":
        count = workbook_write(Path(f"{args.prefix}.xlsx"), dossiers)
    else:
        dossiers = list(dossiers) if not (args.no_xlsx or args.format) else dossiers
        count = 0
        with Path(f"{args.prefix}.jsonl").open("w", encoding="utf-8") as handle:
            for data in dossiers:
                handle.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
                count += 1
        if not (args.no_xlsx or args.format):
            workbook_write(Path(f"{args.prefix}.xlsx"), dossiers)
    sys.stdout.write(f"{count}\n")


def _importer(username: str) -> None:
    """A clerk whose duty covers the demo province: the account the import runs as."""
    from datetime import date

    from hoso.access.models import Role, User
    from hoso.access.services import role_assign, user_create
    from hoso.orgs.selectors import org_get

    if User.objects.filter(username=username).exists():
        return
    account = user_create(
        acting_user=None, username=username, password="nhap-khau-" * 2, full_name=username
    )
    role_assign(
        acting_user=None,
        user=account,
        role=Role.CLERK,
        organization=org_get("NB"),
        valid_from=date(2020, 1, 1),
    )


if __name__ == "__main__":
    main()
