"""`hoso resume issue --person ID --signer USERNAME [--as-of YYYY-MM-DD]`: render the résumé
(Mẫu 2C-BNV/2008) of a dossier, now or as of a day, and sign it with the signer's key.

The signer must be a records manager whose duty covers the person (`resume_issue`); every
refusal is printed in Vietnamese and exits 1.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hoso.access.models import User
from hoso.core.dates import vn
from hoso.core.errors import DomainError
from hoso.documents.services.resume import resume_issue


class Command(BaseCommand):
    help = "Ký số sơ yếu lý lịch (Mẫu 2C-BNV/2008) của một hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Tạo và ký số sơ yếu lý lịch.")
        issue.add_argument("--person", required=True, help="Số định danh cá nhân.")
        issue.add_argument("--signer", required=True, help="Tài khoản cán bộ quản lý hồ sơ ký.")
        issue.add_argument("--as-of", dest="as_of", help="Tính đến ngày (YYYY-MM-DD).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        as_of = None
        if options.get("as_of"):
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError:
                self.stderr.write(f"Ngày «{options['as_of']}» không đúng dạng YYYY-MM-DD.")
                sys.exit(1)
        signer = User.objects.filter(username=options["signer"], is_active=True).first()
        if signer is None:
            self.stderr.write(f"Không có tài khoản đang hoạt động «{options['signer']}».")
            sys.exit(1)
        try:
            signed = resume_issue(acting_user=signer, personal_id=options["person"], as_of=as_of)
        except DomainError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(
            f"Đã ký số sơ yếu lý lịch của hồ sơ {signed.personal_id}, phiên bản "
            f"{signed.version_number}"
            + (f", tính đến ngày {vn(signed.as_of)}" if signed.as_of else "")
            + f"; người ký «{signed.signer_username}», chứng thư số {signed.certificate_serial}; "
            f"SHA-256 {signed.sha256}; số lưu {signed.pk}."
        )
