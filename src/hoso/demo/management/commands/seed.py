"""`hoso seed --people N [--jobs J]`: synthetic dossiers through the one write path, in J
processes on PostgreSQL (the same people whatever J), with one progress bar."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from hoso.core.errors import DomainError
from hoso.demo.population import SHARDS, seed_plan


def _vn_number(value: float, decimals: int = 0) -> str:
    """1234567.8 → «1.234.567,8»: Vietnamese digit grouping."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


class Command(BaseCommand):
    help = (
        "Sinh hồ sơ giả lập (không phải người thật), phân bổ vào các đơn vị lá theo biên chế, "
        "kiểm tra và ghi qua đường ghi duy nhất (people.services). Chạy lại với cùng --seed sẽ "
        "thêm người mới: số thứ tự nối tiếp số hồ sơ đã có và số định danh không trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="Số hồ sơ cần tạo.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1)."
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Số hồ sơ mỗi giao dịch (mặc định 1000)."
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Số tiến trình sinh và ghi song song (mặc định: số lõi CPU; SQLite: 1).",
        )
        parser.add_argument(
            "--unit",
            nargs="+",
            default=None,
            metavar="MÃ",
            help="Chỉ phân bổ vào các đơn vị lá thuộc các đơn vị này.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        count, batch, jobs = opts["people"], opts["batch_size"], opts["jobs"]
        if count < 1:
            raise CommandError("--people phải lớn hơn 0.")
        if batch < 1:
            raise CommandError("--batch-size phải lớn hơn 0.")
        if not 1 <= jobs <= SHARDS:
            raise CommandError(f"--jobs phải từ 1 đến {SHARDS}.")
        if jobs > 1 and connection.vendor != "postgresql":
            self.stderr.write("SQLite chỉ có một luồng ghi: chạy với --jobs 1.")
            jobs = 1
        try:
            plan = seed_plan(count=count, seed=opts["seed"], unit_codes=opts["unit"])
            with tqdm(total=count, unit=" hồ sơ", desc="Sinh hồ sơ") as bar:
                result = plan.run(batch_size=batch, on_progress=bar.update, jobs=jobs)
        except DomainError as exc:
            shown = [] if exc.code == "missing_catalogs" else exc.problems[:10]
            details = "".join(f"\n  - {p.message}" for p in shown)
            raise CommandError(exc.message + details) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {_vn_number(result.created)} hồ sơ vào {result.units} đơn vị trong "
                f"{_vn_number(result.seconds, 1)} giây ({_vn_number(result.rate)} người/giây)."
            )
        )
