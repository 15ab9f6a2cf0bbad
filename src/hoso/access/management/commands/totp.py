"""`hoso totp enrol USERNAME`: give an account its TOTP secret (the node's operator, e.g. for
the first administrator); `hoso totp code USERNAME`: print the code an account's
authenticator would show now — for demo and test nodes only, refused in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.access.mfa import acceptable_code, confirmed_device
from hoso.access.models import User
from hoso.access.services import totp_enrol
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Mã xác thực (TOTP) của tài khoản: hoso totp enrol TÊN_ĐĂNG_NHẬP (đăng ký khóa mới, hiện "
        "một lần); hoso totp code TÊN_ĐĂNG_NHẬP (in mã hiện tại, chỉ cho nút trình diễn, thử "
        "nghiệm)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        enrol = sub.add_parser("enrol", help="Đăng ký khóa mới; khóa cũ hết hiệu lực.")
        enrol.add_argument("username")
        code = sub.add_parser(
            "code", help="In mã đang có hiệu lực (trình diễn, thử nghiệm; tắt khi HOSO_PRODUCTION)."
        )
        code.add_argument("username")

    def handle(self, *args: Any, action: str, username: str, **opts: Any) -> None:
        if action == "code" and settings.PRODUCTION:
            raise CommandError(
                "Lệnh «hoso totp code» chỉ dùng cho nút trình diễn, thử nghiệm và bị tắt khi "
                "HOSO_PRODUCTION=1: mã xác thực phải lấy từ ứng dụng trên điện thoại của "
                "người dùng."
            )
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản «{username}».")
        if action == "enrol":
            self._enrol(user)
        else:
            self._code(user)

    def _enrol(self, user: User) -> None:
        try:
            _device, uri, secret = totp_enrol(acting_user=None, user=user)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Khóa bí mật (base32): {secret}")
        self.stdout.write(f"Địa chỉ otpauth: {uri}")
        self.stderr.write(
            "Khóa chỉ hiện một lần: hãy trao trực tiếp cho người dùng để cài vào ứng dụng xác "
            "thực. Mọi phiên đăng nhập của tài khoản đã kết thúc."
        )

    def _code(self, user: User) -> None:
        device = confirmed_device(user)
        if device is None:
            raise CommandError(
                f"Tài khoản «{user.username}» chưa đăng ký mã xác thực: "
                f"hoso totp enrol {user.username}"
            )
        found = acceptable_code(device)
        if found is None:
            raise CommandError(
                "Mã hiện tại vừa được dùng (mỗi mã chỉ dùng một lần); hãy chờ mã mới, tối đa "
                "30 giây, rồi chạy lại."
            )
        code, seconds = found
        self.stdout.write(code)
        self.stderr.write(f"Mã dùng được một lần, còn hiệu lực khoảng {seconds} giây.")
