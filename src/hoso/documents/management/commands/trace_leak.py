"""`hoso trace-leak FILE`: who was given this copy, when, from where, of which dossier.

Exits 0 and prints the answer in Vietnamese when the file is known; exits 1 when nothing on
this node matches it. Every lookup is audited (`documents.services.trace`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.documents.selectors.trace import trace_lines
from hoso.documents.services.trace import leak_trace


class Command(BaseCommand):
    help = "Truy vết một bản sao bị lộ: ai đã nhận, lúc nào, từ máy nào, của hồ sơ nào."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Tệp cần truy vết (PDF).")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp «{file}»: {exc.strerror or exc}") from exc
        trace = leak_trace(acting_user=None, content=content, source_name=file.name)
        if trace is None:
            self.stderr.write(
                f"Không tìm thấy bản sao nào khớp với tệp «{file.name}»: không có mã bản sao "
                "trong siêu dữ liệu hoặc trên dấu hiển thị, và mã băm SHA-256 không khớp bản "
                "sao nào đã cấp trên hệ thống này."
            )
            sys.exit(1)
        for line in trace_lines(trace):
            self.stdout.write(line)
