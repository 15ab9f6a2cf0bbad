"""`hoso completeness refresh`: recompute every dossier's stored completeness against the
dossier standard, after the standard's catalogs change (R-COMPLETE)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from hoso.people.services import completeness_refresh


class Command(BaseCommand):
    help = "Tính lại mức độ đầy đủ của mọi hồ sơ theo chuẩn hồ sơ hiện hành (completeness refresh)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="Tính lại theo lô; in tiến độ sau mỗi lô.")
        refresh.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args: object, action: str, batch_size: int = 200, **opts: object) -> None:
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"Đã tính {done}/{total} hồ sơ ({100 * done // max(total, 1)}%)")

        changed = completeness_refresh(
            acting_user=None, batch_size=max(1, batch_size), on_progress=progress
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {changed} hồ sơ thay đổi mức độ đầy đủ ({seconds:.1f} giây)."
            )
        )
