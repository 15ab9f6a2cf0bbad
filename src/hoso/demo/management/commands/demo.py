"""`hoso demo`: set up a demo node (idempotent), show its accounts, and serve it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core.errors import DomainError
from hoso.core.serving import background_worker
from hoso.core.webserver import serve
from hoso.demo.accounts import accounts_table
from hoso.demo.node import demo_setup


class Command(BaseCommand):
    help = (
        "Dựng một nút trình diễn: danh mục, tỉnh Ninh Bình và Bộ Nội vụ, hồ sơ giả lập, các "
        "tài khoản mẫu (đã đăng ký mã xác thực TOTP); in bảng tài khoản rồi chạy máy chủ web. "
        "Chạy lại không tạo trùng và giữ nguyên mật khẩu, khóa TOTP (lưu trong thư mục dữ liệu "
        "HOSO_DATA_DIR)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Địa chỉ lắng nghe (mặc định 127.0.0.1)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Cổng (mặc định 8000).")
        parser.add_argument(
            "--people",
            type=int,
            default=2000,
            help="Số hồ sơ giả lập tạo lần đầu (mặc định 2000; 0 = không tạo).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1)."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Chỉ dựng dữ liệu, không chạy máy chủ web."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        host, port, people = opts["host"], opts["port"], opts["people"]
        if people < 0:
            raise CommandError("--people phải từ 0 trở lên.")
        if not 0 < port < 65536:
            raise CommandError("--port phải trong khoảng 1–65535.")
        try:
            info = demo_setup(people=people, seed=opts["seed"], stdout=self.stdout)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        url = f"http://{host}:{port}/"
        # The accounts table comes last, right above the address: nothing printed after it
        # but the address (the server starts without Django's banner, see core.webserver).
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Nút trình diễn sẵn sàng: {info.people} hồ sơ."))
        self.stdout.write(
            "Đăng nhập gồm hai bước: mật khẩu, rồi mã xác thực (OTP) 6 chữ số. Thêm khóa TOTP "
            "của tài khoản vào ứng dụng xác thực (Google Authenticator, FreeOTP…), hoặc lấy mã "
            "hiện tại bằng lệnh (chỉ để trình diễn, thử nghiệm):\n"
            "    hoso totp code TÊN_ĐĂNG_NHẬP"
        )
        self.stdout.write(
            f"Mật khẩu và khóa TOTP được lưu tại {info.accounts_file} (chỉ chủ sở hữu đọc được)."
        )
        if host not in settings.ALLOWED_HOSTS:
            self.stdout.write(
                self.style.WARNING(
                    f"Lưu ý: «{host}» không có trong HOSO_ALLOWED_HOSTS; hãy thêm tên hoặc địa chỉ "
                    "mà trình duyệt dùng để truy cập."
                )
            )
        self.stdout.write("")
        self.stdout.write(accounts_table(info.accounts))
        self.stdout.write(f"\nĐịa chỉ: {url}  ·  API: {url}api/v1/docs")
        self.stdout.flush()
        if opts["no_serve"]:
            return
        # Scans are converted and read (OCR) and the audit chain sealed in the background: one
        # `hoso worker` beside the web server, stopped with it (SIGTERM, SIGINT; core.serving).
        with background_worker():
            serve(host, port)
