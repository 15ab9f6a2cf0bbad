"""`hoso fixity`: read back every stored file and compare its SHA-256 with the record.

Exits 0 with "OK: …" when every file matches; otherwise prints a loud report naming each bad
file on stderr and exits 1 (for cron / systemd timers and monitoring).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from hoso.documents.services.fixity import fixity_check


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn (SHA-256) của mọi tệp lưu trữ: bản gốc, bản PDF/A, lý lịch đã ký."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = fixity_check(acting_user=None)
        if report.ok:
            self.stdout.write(report.summary())
            return
        rule = "!" * 72
        self.stderr.write(rule)
        self.stderr.write(report.summary())
        for failure in report.failures:
            self.stderr.write(f"  - {failure.label}: {failure.reason}")
        self.stderr.write(
            "Đã ghi sự kiện kiểm toán và cảnh báo cho cán bộ thanh tra. Hãy khôi phục các tệp "
            "trên từ bản sao lưu và kiểm tra xem ai đã truy cập thư mục lưu trữ."
        )
        self.stderr.write(rule)
        sys.exit(1)
