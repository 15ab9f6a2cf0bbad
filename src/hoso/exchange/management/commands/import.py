"""`hoso import …`: bring existing records in (issue 13, item 1; docs/howto/import-records.md).

    hoso import template [-o FILE]                 the empty workbook in hoso's layout
    hoso import FILE… --as USERNAME [--dry-run] [--report FILE] [--confirmed-on YYYY-MM-DD]
                     [--jobs J] [--no-progress]
    hoso import approve --batch N --as USERNAME    approve the batch, signing its manifest
    hoso import verify --batch N                   check the batch's signature

The command runs as a named account (`--as`), like `hoso resume issue --signer`: imports are
proposals of that account, approved by another records manager. Every refusal is printed in
Vietnamese and exits 1; a run with problems exits 2 after writing its report.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from hoso.access.models import User
from hoso.core.errors import DomainError
from hoso.exchange.imports.manifest import batch_verify
from hoso.exchange.imports.report import report_write
from hoso.exchange.imports.services import batch_approve, import_run
from hoso.exchange.imports.writer import workbook_write
from hoso.exchange.models import ImportBatch


class Command(BaseCommand):
    help = "Nhập hồ sơ từ sổ Excel theo mẫu hoặc tệp JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Tệp nhập, hoặc template / approve / verify.")
        parser.add_argument("-o", dest="output", default="mau-nhap-ho-so.xlsx")
        parser.add_argument("--as", dest="username", help="Tài khoản thực hiện.")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument("--report", help="Tệp báo cáo (.csv hoặc .xlsx).")
        parser.add_argument("--confirmed-on", dest="confirmed_on", help="Ngày xác nhận hồ sơ giấy.")
        parser.add_argument("--batch", type=int, help="Số đợt nhập.")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Số tiến trình kiểm tra và ghi song song (mặc định: số lõi; PostgreSQL).",
        )

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(1)

    def _user(self, username: str | None) -> User:
        account = User.objects.filter(username=username or "", is_active=True).first()
        if account is None:
            self._fail(f"Không có tài khoản đang hoạt động «{username or ''}» (ghi --as).")
        return account  # type: ignore[return-value]

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        first = files[0]
        try:
            if first == "template":
                workbook_write(Path(options["output"]))
                self.stdout.write(f"Đã ghi mẫu nhập hồ sơ: {options['output']}")
            elif first == "approve":
                self._approve(options)
            elif first == "verify":
                self._verify(options)
            else:
                self._import([Path(f) for f in files], options)
        except DomainError as exc:
            self._fail(str(exc))

    def _import(self, paths: list[Path], options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        confirmed = None
        if options.get("confirmed_on"):
            try:
                confirmed = date.fromisoformat(options["confirmed_on"])
            except ValueError:
                self._fail(f"Ngày «{options['confirmed_on']}» không đúng dạng YYYY-MM-DD.")
        with tqdm(unit="hồ sơ", disable=options["no_progress"], file=sys.stderr) as bar:

            def total(count: int) -> None:
                bar.total = count
                bar.refresh()

            outcome = import_run(
                acting_user=user,
                paths=paths,
                dry_run=options["dry_run"],
                paper_confirmed_on=confirmed,
                progress=bar.update,
                total=total,
                jobs=options["jobs"],
            )
        if options.get("report"):
            report_write(Path(options["report"]), outcome.issues)
        verb = "Kiểm tra" if options["dry_run"] else "Nhập"
        self.stdout.write(
            f"{verb}: {outcome.read} hồ sơ đọc được; {outcome.imported} đã nhập thành đề xuất"
            f" (đợt {outcome.batch_id or '—'}); {outcome.unchanged} đã nhập từ trước, bỏ qua; "
            f"{outcome.failed} có lỗi, không nhập; {outcome.files_refused} tệp bị từ chối; "
            f"{len(outcome.issues)} lỗi."
        )
        for issue in outcome.issues[:20]:
            where = " ".join(
                x for x in (issue.file, issue.sheet, str(issue.row or ""), issue.column) if x
            )
            self.stdout.write(f"  [{issue.code}] {where}: {issue.message}")
        if outcome.issues:
            sys.exit(2)

    def _approve(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        if not options.get("batch"):
            self._fail("Cần số đợt nhập (--batch N).")
        batch = batch_approve(acting_user=user, batch_id=options["batch"])
        self.stdout.write(
            f"Đã phê duyệt đợt nhập {batch.pk} ({batch.items.count()} hồ sơ) và ký số bảng kê; "
            f"SHA-256 {batch.manifest_sha256}."
        )

    def _verify(self, options: dict[str, Any]) -> None:
        batch = ImportBatch.objects.filter(pk=options.get("batch") or 0).first()
        if batch is None or not batch.signature_cms:
            self._fail("Không có đợt nhập đã ký số này.")
        result = batch_verify(batch)
        if not result.valid:
            self._fail(
                "Chữ ký đợt nhập KHÔNG hợp lệ: " + "; ".join(p.message for p in result.problems)
            )
        self.stdout.write(f"Chữ ký đợt nhập {batch.pk} hợp lệ (người ký {result.signer_name}).")
