"""`hoso keys new-master F | rotate-master --new-key-file F | rotate-data`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core import crypto, services
from hoso.core.env import ConfigError


class Command(BaseCommand):
    help = "Quản lý khóa mã hóa dữ liệu: tạo khóa chủ, xoay khóa chủ, xoay khóa dữ liệu."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        new = sub.add_parser("new-master", help="Tạo tệp khóa chủ mới (32 byte ngẫu nhiên).")
        new.add_argument("path", type=Path)
        rotate = sub.add_parser("rotate-master", help="Bọc lại mọi khóa dữ liệu bằng khóa chủ mới.")
        rotate.add_argument("--new-key-file", type=Path, required=True)
        sub.add_parser("rotate-data", help="Tạo khóa dữ liệu mới và mã hóa lại mọi giá trị.")

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        try:
            if action == "new-master":
                path = opts["path"]
                if path.exists():
                    raise CommandError(f"Tệp {path} đã tồn tại; không ghi đè khóa.")
                crypto.generate_master_key(path)
                self.stdout.write(f"Đã tạo khóa chủ mới: {path} (quyền 600).")
            elif action == "rotate-master":
                count = services.master_rotate(new_key_file=opts["new_key_file"])
                self.stdout.write(
                    f"Đã bọc lại {count} khóa dữ liệu. Hãy đặt HOSO_MASTER_KEY_FILE="
                    f"{opts['new_key_file']} rồi khởi động lại; khóa chủ cũ không còn cần."
                )
            else:
                count = services.data_rotate()
                self.stdout.write(f"Đã mã hóa lại {count} giá trị bằng khóa dữ liệu mới.")
        except (ConfigError, crypto.DecryptionError) as exc:
            raise CommandError(f"Không thực hiện được: {exc}") from exc
