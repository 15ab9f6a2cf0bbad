"""The personas (one per role) and their passwords and TOTP secrets, generated once and kept
in the node's data directory (outside the repository, mode 600) so they can be shown again."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hoso.access.mfa import base32_secret, confirmed_device
from hoso.access.models import Role, User
from hoso.access.services import (
    password_reset,
    role_assign,
    totp_enrol,
    user_create,
    user_person_link,
)
from hoso.demo.orgs import PROVINCE, REFORM
from hoso.orgs.models import Organization
from hoso.people.selectors import person_queryset

ACCOUNTS_FILE = "demo-accounts.json"


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    unit_code: str  # "" for no organization
    full_name: str


PERSONAS = (
    Persona("nhaplieu", Role.CLERK, "NB.SNV", "Cán bộ nhập liệu, Sở Nội vụ"),
    Persona("quanly", Role.RECORDS_MANAGER, "NB", "Cán bộ quản lý hồ sơ, tỉnh Ninh Bình"),
    Persona("lanhdao", Role.LEADER, "NB", "Lãnh đạo Ủy ban nhân dân tỉnh"),
    Persona("thanhtra", Role.AUDITOR, "NB", "Thanh tra viên, Thanh tra tỉnh"),
    Persona("canbo", Role.EMPLOYEE, "", ""),  # the person of a seeded dossier
    Persona("quantri", Role.ADMIN, "", "Quản trị hệ thống"),
    Persona("ngoai", Role.CLERK, "BNV", "Cán bộ của cơ quan khác (Bộ Nội vụ)"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # Vietnamese label
    scope: str
    password: str
    totp_secret: str  # base32, for an authenticator app or `hoso totp code`


def accounts_path() -> Path:
    return Path(settings.DATA_DIR) / ACCOUNTS_FILE


def _read_credentials() -> tuple[dict[str, str], dict[str, str]]:
    """(passwords, TOTP secrets) by username, as the last run left them."""
    path = accounts_path()
    if not path.exists():
        return {}, {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    return dict(stored.get("passwords", {})), dict(stored.get("totp", {}))


def _write_credentials(passwords: dict[str, str], totp: dict[str, str]) -> None:
    """Write with mode 600 from the first byte: the file holds live credentials."""
    path = accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "note": "Mật khẩu và khóa mã xác thực (TOTP, base32) của các tài khoản trình "
                "diễn; không dùng cho hệ thống thật.",
                "passwords": passwords,
                "totp": totp,
            },
            handle,
            ensure_ascii=False,
            indent=1,
        )
    os.chmod(temp, 0o600)
    os.replace(temp, path)


def _totp_secret(user: User, known: str | None) -> str | None:
    """The persona's TOTP secret: the one kept, if its device still has it; else a new
    enrolment (None for a disabled account, which cannot be enrolled)."""
    device = confirmed_device(user)
    if device is not None and known and base32_secret(device) == known:
        return known
    if not User.objects.filter(pk=user.pk, is_active=True).exists():
        return None
    return totp_enrol(acting_user=None, user=user)[2]


def _employee_person() -> tuple[str, str]:
    """(personal id, full name) of one seeded person of the province, for the `canbo` account:
    an ordinary dossier (not labelled secret nor of the special category), as most are."""
    province = Organization.objects.get(code=PROVINCE["code"])
    person = (
        person_queryset()
        .filter(current_unit__path__startswith=province.path)
        .filter(secret_label="", special_category=False)
        .order_by("pk")
        .values_list("personal_id", "full_name")
        .first()
    )
    return person or ("", "")


@transaction.atomic
def personas(today: date) -> list[DemoAccount]:
    passwords, totp = _read_credentials()
    changed = False
    accounts = []
    labels = dict(Role.choices)
    for persona in PERSONAS:
        personal_id, full_name = ("", persona.full_name)
        if persona.role == Role.EMPLOYEE:
            personal_id, full_name = _employee_person()
        user = User.objects.filter(username=persona.username).first()
        password = passwords.get(persona.username)
        fresh = password is None
        if password is None:
            password = passwords[persona.username] = secrets.token_urlsafe(12)
            changed = True
        if user is None:
            user = user_create(
                acting_user=None,
                username=persona.username,
                password=password,
                full_name=full_name,
                personal_id=personal_id,
            )
        elif fresh:
            # The password file was lost: issue a new password rather than keep an unknown one.
            password_reset(acting_user=None, user=user, new_password=password)
        if persona.role == Role.EMPLOYEE and personal_id and user.personal_id != personal_id:
            user_person_link(
                acting_user=None, user=user, personal_id=personal_id, full_name=full_name
            )
        unit = (
            Organization.objects.filter(code=persona.unit_code).first()
            if persona.unit_code
            else None
        )
        if not user.role_assignments.filter(role=persona.role).exists():
            role_assign(
                acting_user=None,
                user=user,
                role=persona.role,
                organization=unit,
                valid_from=min(unit.valid_from if unit else REFORM, today),
                decision_ref="Tài khoản trình diễn",
            )
        scope = (
            unit.name
            if unit
            else ("Hồ sơ của chính mình" if persona.role == Role.EMPLOYEE else "Toàn hệ thống")
        )
        secret = _totp_secret(user, totp.get(persona.username))
        if secret is not None and secret != totp.get(persona.username):
            totp[persona.username] = secret
            changed = True
        accounts.append(
            DemoAccount(persona.username, str(labels[persona.role]), scope, password, secret or "")
        )
    if changed:
        _write_credentials(passwords, totp)
    return accounts


def accounts_table(accounts: list[DemoAccount]) -> str:
    """The accounts as a plain-text table (Vietnamese headers) for the terminal."""
    headers = ("Tên đăng nhập", "Vai trò", "Phạm vi", "Mật khẩu", "Khóa TOTP (base32)")
    rows = [(a.username, a.role, a.scope, a.password, a.totp_secret or "—") for a in accounts]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
