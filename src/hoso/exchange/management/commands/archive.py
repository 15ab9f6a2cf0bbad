"""`hoso archive …`: archival packages (BagIt RFC 8493 + PREMIS 3) of dossiers.

    hoso archive export --person ID --output DIR --user USERNAME
    hoso archive export --unit CODE --output DIR --user USERNAME
    hoso archive verify DIR
    hoso archive import DIR --user USERNAME

A bag holds the dossier IN CLEAR (classified data, not encrypted): keep, carry and destroy it
under the classified-document regime. Exit status 0 when everything succeeded, 1 otherwise.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hoso.core.errors import DomainError
from hoso.exchange.archive import (
    archive_export,
    archive_export_unit,
    archive_import,
    archive_verify,
)

CLEAR_WARNING = (
    "CẢNH BÁO: gói lưu trữ chứa dữ liệu hồ sơ KHÔNG MÃ HÓA (tài liệu mật); chỉ ghi vào nơi "
    "được phép, bảo quản và vận chuyển theo chế độ tài liệu mật."
)


class Command(BaseCommand):
    help = (
        "Đóng gói lưu trữ hồ sơ (BagIt RFC 8493 + PREMIS 3), kiểm tra và tiếp nhận gói. "
        + CLEAR_WARNING
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export",
            help="Xuất gói lưu trữ của một người hoặc của mọi người thuộc một đơn vị. "
            + CLEAR_WARNING,
        )
        who = export.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", help="Số định danh cá nhân.")
        who.add_argument("--unit", help="Mã đơn vị (gồm cả các đơn vị trực thuộc).")
        export.add_argument(
            "--output",
            required=True,
            type=Path,
            help="Thư mục đích; gói của mỗi người nằm trong DIR/<số định danh>/.",
        )
        export.add_argument("--user", required=True, help="Tên đăng nhập của người thực hiện.")
        verify = sub.add_parser("verify", help="Kiểm tra một gói lưu trữ (không ghi gì).")
        verify.add_argument("path", type=Path)
        take = sub.add_parser(
            "import",
            help="Kiểm tra rồi tiếp nhận một gói: đề xuất tạo hồ sơ để cán bộ quản lý phê duyệt.",
        )
        take.add_argument("path", type=Path)
        take.add_argument("--user", required=True, help="Tên đăng nhập của người thực hiện.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        # pyHanko and bagit log every failed check with a traceback; the report says it.
        for name in ("pyhanko", "pyhanko_certvalidator", "bagit"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if action == "export":
                self._export(options)
            elif action == "verify":
                self._verify(options["path"])
            else:
                self._import(options)
        except DomainError as exc:
            self.stderr.write(f"{exc.message} [{exc.code}]")
            for problem in exc.problems:
                self.stderr.write(f"  - {problem.message} [{problem.code}] {problem.field}")
            sys.exit(1)
        except OSError as exc:
            raise CommandError(f"Không ghi hoặc đọc được tệp: {exc}") from exc

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có tài khoản «{username}» đang hoạt động.")
        return user

    def _export(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        self.stderr.write(CLEAR_WARNING)
        if options.get("person"):
            result = archive_export(
                acting_user=user, personal_id=options["person"], output=options["output"]
            )
            self.stdout.write(
                f"Đã ghi gói {result.path} (mã xuất {result.export_id}): {result.files} tệp, "
                f"{result.bytes} byte, {result.versions} phiên bản, {result.components} thành "
                f"phần, {result.resumes} sơ yếu lý lịch."
            )
            return
        bar = tqdm(unit=" hồ sơ", desc="Đóng gói", file=sys.stderr)
        try:
            outcome = archive_export_unit(
                acting_user=user,
                unit_code=options["unit"],
                output=options["output"],
                progress=lambda _pid: bar.update(1),
            )
        finally:
            bar.close()
        self.stdout.write(
            f"Đơn vị {outcome.unit_code}: {len(outcome.exported)} gói trong {outcome.path}; "
            f"tóm tắt {outcome.summary}."
        )
        if outcome.outside_scope:
            self.stdout.write(
                f"{outcome.outside_scope} người trong đơn vị không thuộc phạm vi bạn được xem "
                "nên không được đóng gói."
            )
        for pid, code, message in outcome.failed:
            self.stderr.write(f"Không đóng gói được {pid}: {message} [{code}]")
        if not outcome.ok:
            sys.exit(1)

    def _verify(self, path: Path) -> None:
        report = archive_verify(path)
        for line in report.lines():
            (self.stdout if report.valid else self.stderr).write(line)
        if not report.valid:
            sys.exit(1)

    def _import(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        result = archive_import(acting_user=user, path=options["path"])
        self.stdout.write(
            f"Đã kiểm tra gói và đề xuất tạo hồ sơ {result.personal_id} (đề xuất số "
            f"{result.changeset.pk}); chờ cán bộ quản lý hồ sơ phê duyệt."
        )
        for item in result.found:
            self.stdout.write(
                f"  Thành phần {item['sequence']}: {item['title']} ({item['kind']}) — đã lưu bản "
                "gốc, chờ xử lý PDF/A."
            )
