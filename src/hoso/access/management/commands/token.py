"""`hoso token create|list|revoke`: API bearer tokens (shown once, only their hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hoso.access.models import ApiToken, TokenRevokeReason, User
from hoso.access.services import token_create, token_revoke
from hoso.core.errors import DomainError

STATES = {"active": "còn hiệu lực", "expired": "hết hạn", "revoked": "đã thu hồi"}


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "—"


class Command(BaseCommand):
    help = (
        "Mã truy cập API (Bearer): hoso token create TÊN_ĐĂNG_NHẬP [--days N] | "
        "hoso token list [TÊN_ĐĂNG_NHẬP] | hoso token revoke (MÃ_SỐ… | --all TÊN_ĐĂNG_NHẬP)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Cấp một mã mới; mã chỉ hiện một lần.")
        create.add_argument("username", help="Tên đăng nhập của tài khoản được cấp mã.")
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help="Số ngày hiệu lực (mặc định HOSO_API_TOKEN_DAYS, tối đa HOSO_API_TOKEN_MAX_DAYS).",
        )
        listing = sub.add_parser(
            "list", help="Liệt kê các mã: mã số, tài khoản, phần đầu mã, hạn dùng, trạng thái."
        )
        listing.add_argument("username", nargs="?", default="", help="Chỉ mã của tài khoản này.")
        revoke = sub.add_parser("revoke", help="Thu hồi mã: mã dừng hoạt động ngay.")
        revoke.add_argument("ids", nargs="*", type=int, help="Mã số của mã (cột đầu của list).")
        revoke.add_argument(
            "--all", dest="all_of", default="", help="Thu hồi mọi mã còn hiệu lực của tài khoản."
        )

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        if action == "create":
            self._create(opts["username"], opts["days"])
        elif action == "list":
            self._list(opts["username"])
        else:
            self._revoke(opts["ids"], opts["all_of"])

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản «{username}».")
        return user

    def _create(self, username: str, days: int | None) -> None:
        user = self._user(username)
        try:
            token = token_create(acting_user=None, user=user, days=days)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
        self.stderr.write(
            "Mã chỉ hiện một lần; hãy lưu lại ở nơi an toàn. "
            "Dùng trong tiêu đề: Authorization: Bearer <mã>"
        )

    def _list(self, username: str) -> None:
        tokens = ApiToken.objects.select_related("user")
        if username:
            tokens = tokens.filter(user=self._user(username))
        now = timezone.now()
        reasons = dict(TokenRevokeReason.choices)
        self.stdout.write("Mã số\tTài khoản\tPhần đầu\tCấp lúc\tHết hạn\tDùng lần cuối\tTrạng thái")
        for t in tokens:
            state = STATES[t.state(now)]
            if t.revoked_at:
                state += f" {_when(t.revoked_at)} ({reasons.get(t.revoke_reason, t.revoke_reason)})"
            self.stdout.write(
                f"{t.pk}\t{t.user.get_username()}\t{t.prefix}…\t{_when(t.created_at)}\t"
                f"{_when(t.expires_at)}\t{_when(t.last_used_at)}\t{state}"
            )

    def _revoke(self, ids: list[int], all_of: str) -> None:
        if bool(ids) == bool(all_of):
            raise CommandError("Hãy ghi mã số của các mã cần thu hồi, hoặc --all TÊN_ĐĂNG_NHẬP.")
        if all_of:
            live = ApiToken.objects.filter(
                user=self._user(all_of), revoked_at__isnull=True, expires_at__gt=timezone.now()
            )
            ids = list(live.values_list("pk", flat=True))
            if not ids:
                self.stdout.write(f"Tài khoản «{all_of}» không có mã nào còn hiệu lực.")
                return
        found = {t.pk: t for t in ApiToken.objects.filter(pk__in=ids)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise CommandError(f"Không có mã số: {', '.join(missing)}.")
        for pk in ids:
            try:
                token_revoke(acting_user=None, token=found[pk])
            except DomainError as exc:
                raise CommandError(f"Mã số {pk}: {exc}") from exc
            self.stdout.write(f"Đã thu hồi mã số {pk} ({found[pk].prefix}…).")
