"""`hoso token create USERNAME`: issue an API bearer token (shown once, only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.access.models import User
from hoso.access.services import token_create
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = "Cấp mã truy cập API (Bearer) cho một tài khoản: hoso token create TÊN_ĐĂNG_NHẬP."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Cấp một mã mới; mã chỉ hiện một lần.")
        create.add_argument("username")

    def handle(self, *args: Any, action: str, username: str, **opts: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản «{username}».")
        try:
            token = token_create(acting_user=None, user=user)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
        self.stderr.write(
            "Mã chỉ hiện một lần; hãy lưu lại ở nơi an toàn. "
            "Dùng trong tiêu đề: Authorization: Bearer <mã>"
        )
