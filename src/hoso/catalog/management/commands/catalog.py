"""`hoso catalog load [FILE …]`: load or update catalogs without a release."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.catalog import selectors, services
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = "Nạp, cập nhật danh mục dùng chung (catalog load) hoặc liệt kê (catalog list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp danh mục; không có tệp thì nạp danh mục có sẵn.")
        load.add_argument("files", nargs="*", type=Path)
        sub.add_parser("list", help="Liệt kê danh mục đã nạp.")

    def handle(
        self, *args: object, action: str, files: list[Path] | None = None, **opts: object
    ) -> None:
        if action == "list":
            for catalog in selectors.catalog_list():
                count = catalog.entries.count()
                self.stdout.write(f"{catalog.name:28} {count:6}  {catalog.title}")
            return
        try:
            if files:
                missing = [str(p) for p in files if not p.is_file()]
                if missing:
                    raise CommandError(f"Không tìm thấy tệp: {', '.join(missing)}")
                reports = services.catalog_load_files(paths=files)
                selectors.clear_cache()
            else:
                reports = services.catalog_load_builtin()
        except DomainError as exc:
            raise CommandError(
                exc.message + "\n" + "\n".join(f"  - {p.message}" for p in exc.problems)
            ) from exc
        for report in reports:
            self.stdout.write(str(report))
