"""`hoso handover …`: hand a dossier over to another managing node (R-NO-SILO).

    hoso handover send --personal-id ID --to NODE --user USERNAME [--output DIR]
        sign the hand-over package (the dossier's BagIt/PREMIS bag) and have the hub move the
        registry entry; the dossier stays here as a read-only trace. Run again after a failure
        to resume the same hand-over (never two).
    hoso handover accept PACKAGE --unit UNIT --user USERNAME
        verify a package addressed to this node and propose its dossier in the receiving unit
        UNIT of this node (a records manager approves it, as any change)
    hoso handover trace --personal-id ID
        what this node did with the dossier (JSON)

`hoso federation handover --personal-id ID --to NODE --user USERNAME` is the same as `send`.
Exit status 0 when done, 1 with the refusal's code and Vietnamese message otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core.errors import DomainError
from hoso.exchange.services.handover import handover_accept, handover_send
from hoso.federation import handover as trace


class Command(BaseCommand):
    help = "Bàn giao hồ sơ cho cơ quan quản lý khác (qua Cơ sở dữ liệu quốc gia)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Ký gói bàn giao và chuyển quyền quản lý hồ sơ.")
        send.add_argument("--personal-id", required=True, help="Số định danh cá nhân.")
        send.add_argument("--to", required=True, help="Mã nút (cơ quan) tiếp nhận.")
        send.add_argument("--user", required=True, help="Tên đăng nhập người thực hiện.")
        send.add_argument("--output", type=Path, default=None, help="Thư mục ghi gói bàn giao.")
        accept = sub.add_parser("accept", help="Kiểm tra và tiếp nhận gói bàn giao.")
        accept.add_argument("package", type=Path, help="Thư mục gói bàn giao.")
        accept.add_argument(
            "--unit", required=True, help="Mã đơn vị tiếp nhận (một đơn vị của cơ quan này)."
        )
        accept.add_argument("--user", required=True, help="Tên đăng nhập người thực hiện.")
        show = sub.add_parser("trace", help="Dấu vết bàn giao của một hồ sơ (JSON).")
        show.add_argument("--personal-id", required=True)

    def handle(self, *args: Any, **o: Any) -> None:
        if o["action"] == "trace":
            self.stdout.write(json.dumps(trace.trace(o["personal_id"]), ensure_ascii=False))
            return
        user = get_user_model().objects.filter(username=o["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{o['user']}».")
        try:
            if o["action"] == "send":
                row = handover_send(
                    acting_user=user,
                    personal_id=o["personal_id"],
                    to_node=o["to"],
                    output=o["output"],
                )
                self.stdout.write(
                    f"Đã bàn giao hồ sơ {row.personal_id} cho {row.to_agency} "
                    f"(mã bàn giao {row.handover_id}); gói: {row.package}"
                )
            else:
                row = handover_accept(acting_user=user, path=o["package"], unit=o["unit"])
                self.stdout.write(
                    f"Đã tiếp nhận hồ sơ {row.personal_id} (mã bàn giao {row.handover_id}); "
                    f"đề xuất số {row.changeset_id} chờ cán bộ quản lý hồ sơ phê duyệt."
                )
        except DomainError as error:
            code = error.problems[0].code if error.problems else error.code
            raise CommandError(f"[{code}] {error}") from error
