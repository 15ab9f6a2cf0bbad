"""`hoso export xlsx --unit CODE --as USERNAME [-o FILE]`: the dossiers of a unit's subtree
the account may export, in the import template's layout, audited as EXPORT."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoso.access.models import User
from hoso.core.errors import DomainError
from hoso.exchange.imports.export import unit_export_xlsx


class Command(BaseCommand):
    help = "Xuất hồ sơ của một đơn vị theo mẫu nhập Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True)
        xlsx = sub.add_parser("xlsx", help="Sổ Excel theo mẫu nhập hồ sơ.")
        xlsx.add_argument("--unit", required=True, help="Mã đơn vị (gồm các đơn vị trực thuộc).")
        xlsx.add_argument("--as", dest="username", required=True, help="Tài khoản xuất.")
        xlsx.add_argument("-o", dest="output", help="Tệp ghi ra.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            self.stderr.write(f"Không có tài khoản đang hoạt động «{options['username']}».")
            sys.exit(1)
        path = Path(options.get("output") or f"ho-so-{options['unit']}.xlsx")
        try:
            export_id, count = unit_export_xlsx(user=user, unit_code=options["unit"], path=path)
        except DomainError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(f"Đã xuất {count} hồ sơ vào {path} (mã xuất {export_id}).")
