"""`hoso audit checkpoint | verify | export-checkpoints | keygen`: seal and check the audit chain.

`verify` exits 0 and prints "OK: N sự kiện, M điểm niêm phong", or exits 1 and names the
first bad event (its number, a Vietnamese explanation and a stable code in brackets). Either
way it then tells the age of the newest checkpoint and how many events wait for a seal, with
a warning when one has waited longer than `HOSO_AUDIT_CHECKPOINT_SECONDS` allows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hoso.audit import keys, selectors, services
from hoso.audit.verify import chain_verify, exported_checkpoints_load
from hoso.core.errors import DomainError


def _domain(exc: DomainError) -> CommandError:
    details = "".join(f"\n  - {p.message}" for p in exc.problems)
    return CommandError(f"{exc.message}{details} [{exc.code}]")


class Command(BaseCommand):
    help = "Niêm phong, kiểm tra và xuất điểm niêm phong của nhật ký kiểm toán."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("checkpoint", help="Niêm phong chuỗi nhật ký ngay bây giờ (ký Ed25519).")
        verify = sub.add_parser("verify", help="Kiểm tra toàn bộ chuỗi và các điểm niêm phong.")
        verify.add_argument(
            "--checkpoints",
            type=Path,
            help="Bản sao điểm niêm phong đã xuất (phát hiện cả việc xóa điểm niêm phong).",
        )
        verify.add_argument(
            "--public-key",
            type=Path,
            action="append",
            default=[],
            help="Khóa công khai (PEM) được tin cậy thêm, ví dụ khóa cũ trước khi thay khóa.",
        )
        export = sub.add_parser(
            "export-checkpoints", help="Xuất các điểm niêm phong kèm khóa công khai (JSON)."
        )
        export.add_argument("--output", type=Path, required=True, help="Tệp JSON; '-' là stdout.")
        keygen = sub.add_parser("keygen", help="Tạo khóa ký Ed25519 mới vào tệp (quyền 600).")
        keygen.add_argument("--output", type=Path, required=True)

    def handle(self, *args: object, action: str, **options: object) -> None:
        try:
            if action == "checkpoint":
                self._checkpoint()
            elif action == "verify":
                self._verify(options["checkpoints"], options["public_key"])  # type: ignore[arg-type]
            elif action == "export-checkpoints":
                self._export(options["output"])  # type: ignore[arg-type]
            elif action == "keygen":
                self._keygen(options["output"])  # type: ignore[arg-type]
        except DomainError as exc:
            raise _domain(exc) from exc

    def _checkpoint(self) -> None:
        checkpoint, created = services.checkpoint_create(acting_user=None)
        if created:
            self.stdout.write(
                f"Đã niêm phong #{checkpoint.seq}: {checkpoint.event_count} sự kiện, "
                f"mã băm cuối {checkpoint.last_hash[:16]}…"
            )
        else:
            self.stdout.write(
                f"Không có sự kiện mới từ điểm niêm phong #{checkpoint.seq} "
                f"({checkpoint.event_count} sự kiện)."
            )

    def _verify(self, checkpoints: Path | None, public_keys: list[Path]) -> None:
        exported = None
        if checkpoints is not None:
            if not checkpoints.is_file():
                raise CommandError(f"Không tìm thấy tệp: {checkpoints}")
            exported = exported_checkpoints_load(checkpoints.read_text(encoding="utf-8"))
        trusted = []
        for path in public_keys:
            try:
                trusted.append(keys.public_key_from_pem(path.read_text(encoding="ascii")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Không đọc được khóa công khai «{path}»: {exc}") from exc
        # Events committed but still in the sequencer's intake are chained first.
        services.chain_pending()
        report = chain_verify(exported=exported, public_keys=trusted)
        if report.ok:
            self.stdout.write(report.summary())
            self._seal_age()
            return
        self.stderr.write(
            f"LỖI: chuỗi nhật ký không toàn vẹn ({report.events} sự kiện đầu hợp lệ, "
            f"{report.checkpoints} điểm niêm phong)."
        )
        for problem in report.problems:
            self.stderr.write(f"  - {problem.message} [{problem.code}]")
        sys.exit(1)

    def _seal_age(self) -> None:
        status = selectors.seal_status()
        now = timezone.now()
        if status.last is None:
            waiting = f"; {status.unsealed} sự kiện chưa được niêm phong" if status.unsealed else ""
            self.stdout.write(f"Chưa có điểm niêm phong nào{waiting}.")
        else:
            minutes = int((now - status.last.created_at).total_seconds() // 60)
            at = timezone.localtime(status.last.created_at).strftime("%d/%m/%Y %H:%M")
            self.stdout.write(
                f"Điểm niêm phong gần nhất: #{status.last.seq} lúc {at} (cách đây {minutes} "
                f"phút), {status.unsealed} sự kiện sau đó chưa được niêm phong."
            )
        if status.overdue(now):
            waited = int((now - status.oldest_unsealed_at).total_seconds() // 60)  # type: ignore[operator]
            self.stderr.write(
                f"CẢNH BÁO: có sự kiện đã chờ niêm phong {waited} phút, quá lịch niêm phong "
                f"mỗi {status.interval_seconds} giây (HOSO_AUDIT_CHECKPOINT_SECONDS). Tiến trình "
                "`hoso worker` có đang chạy và đọc được khóa ký không? Cho đến khi được niêm "
                "phong, các sự kiện này có thể bị xóa hoặc sửa mà không bị phát hiện."
            )

    def _export(self, output: Path) -> None:
        data = selectors.checkpoints_export()
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if str(output) == "-":
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(
            f"Đã xuất {len(data['checkpoints'])} điểm niêm phong vào {output}. Hãy lưu bản sao "
            "này ngoài máy chủ (ví dụ gửi cơ quan thanh tra)."
        )

    def _keygen(self, output: Path) -> None:
        key = keys.key_file_write(output)
        self.stdout.write(
            f"Đã tạo khóa {output} (quyền 600), dấu vân tay "
            f"{keys.fingerprint(key.public_key())}. Đặt HOSO_AUDIT_KEY_FILE={output}."
        )
