"""Accounts, duties (roles scoped to an organization subtree) and API tokens (R-ASSIGNED)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    full_name = models.CharField(max_length=200, blank=True)
    # The employee's own dossier, if the account belongs to someone with a dossier.
    personal_id = models.CharField(max_length=12, blank=True, db_index=True)
    # Bumped whenever the account is disabled, its password reset or its duties change:
    # every session carrying an older stamp ends on its next request.
    security_stamp = models.PositiveIntegerField(default=0)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CLERK = "clerk", "Cán bộ nhập liệu"
    RECORDS_MANAGER = "records_manager", "Cán bộ quản lý hồ sơ"
    LEADER = "leader", "Lãnh đạo"
    AUDITOR = "auditor", "Thanh tra, kiểm tra"
    EMPLOYEE = "employee", "Cán bộ, công chức, viên chức"
    ADMIN = "admin", "Quản trị hệ thống"
    # The Ministry's staff at the national hub: the registry, its statistics, the nodes' lag.
    HUB_OPERATOR = "hub_operator", "Vận hành Cơ sở dữ liệu quốc gia"


class RoleAssignment(models.Model):
    """A duty assigned to a user over an organization subtree, for a period."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    assigned_by = models.CharField(max_length=150, blank=True)
    decision_ref = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["user", "role"]


class TokenRevokeReason(models.TextChoices):
    """Why a token stopped working before its expiry."""

    OWNER = "owner", "Người dùng tự thu hồi"
    ADMIN = "admin", "Quản trị hệ thống thu hồi"
    OPERATOR = "operator", "Thu hồi bằng lệnh hoso token revoke"
    PASSWORD_RESET = "password_reset", "Mật khẩu được đặt lại"
    DISABLE = "disable", "Tài khoản bị khóa"
    LOCKOUT = "lockout", "Tài khoản bị tạm khóa vì nhập sai mã xác thực nhiều lần"
    DUTY_CHANGE = "duty_change", "Nhiệm vụ được giao thay đổi"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once. Every
    token expires (`HOSO_API_TOKEN_DAYS` by default) and is revoked, never deleted."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, choices=TokenRevokeReason.choices, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


class ThrottleScope(models.TextChoices):
    ADDRESS = "address", "Địa chỉ máy khách"
    ACCOUNT_ADDRESS = "account_address", "Tài khoản từ một địa chỉ máy khách"


class LoginThrottle(models.Model):
    """Failed logins counted per client address, and per name typed from that address
    (docs/decisions/0012-login-throttling.md). Kept in the database so every worker process
    and both database engines share one count; rows quiet for `HOSO_LOGIN_WINDOW_SECONDS`
    are forgotten."""

    scope = models.CharField(max_length=16, choices=ThrottleScope.choices)
    address = models.CharField(max_length=64)
    username = models.CharField(max_length=150, blank=True)  # as typed; "" for the address
    failures = models.PositiveIntegerField(default=0)
    blocks = models.PositiveIntegerField(default=0)  # how many times blocked: the delay grows
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "address", "username"], name="login_throttle_unique"
            )
        ]
        indexes = [models.Index(fields=["last_failure_at"], name="login_throttle_time_idx")]


class Sensitivity(models.TextChoices):
    """Field classes, lowest to highest (catalog `sensitivity_class`, R-FIELD-CLASS)."""

    INTERNAL = "internal", "Nội bộ cơ quan"
    PERSONAL = "personal", "Dữ liệu cá nhân cơ bản"
    SENSITIVE = "sensitive", "Dữ liệu cá nhân nhạy cảm"
    SECRET_CANDIDATE = "secret_candidate", "Có thể thuộc bí mật nhà nước"


class PurposeKind(models.TextChoices):
    CADRE_WORK = "cadre_work", "Công tác cán bộ trong thẩm quyền của cơ quan"
    OTHER = "other", "Mục đích khác (cần sự đồng ý của người có hồ sơ)"


class AccessGrant(models.Model):
    """A written approval to read dossiers (R-WRITTEN-APPROVAL).

    It covers one person, a list, or a unit subtree; some sections or everything up to a
    sensitivity ceiling; for a purpose, on the strength of a signed document, for a period.
    Never deleted: revocation is dated and takes effect on the next request.
    """

    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants")
    person_ids = models.JSONField("Danh sách số định danh", default=list, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="Đơn vị (cả đơn vị trực thuộc)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    sections = models.JSONField("Các mục được xem", default=list, blank=True)
    ceiling = models.CharField(
        "Mức phân loại tối đa",
        max_length=32,
        choices=Sensitivity.choices,
        default=Sensitivity.PERSONAL,
    )
    secret_ceiling = models.CharField("Độ mật tối đa", max_length=16, blank=True, default="")
    covers_special = models.BooleanField("Gồm diện Ban Thường vụ Tỉnh ủy quản lý", default=False)
    purpose = models.CharField("Mục đích", max_length=300)
    purpose_kind = models.CharField(
        max_length=16, choices=PurposeKind.choices, default=PurposeKind.CADRE_WORK
    )
    document_number = models.CharField("Số văn bản phê duyệt", max_length=64)
    document_date = models.DateField("Ngày văn bản")
    signer = models.CharField("Người ký", max_length=120)
    approval_level = models.CharField("Cấp phê duyệt", max_length=64, blank=True)
    allow_export = models.BooleanField("Được phép xuất", default=False)
    valid_from = models.DateField("Hiệu lực từ")
    valid_to = models.DateField("Hiệu lực đến")
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants_recorded")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="grants_revoked"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="grant_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(grantee=models.F("approved_by")),
                name="grant_not_self_approved",
            ),
        ]


class Consent(models.Model):
    """The person's electronic consent to a use of their dossier (NĐ 27/2026 Art. 20)."""

    personal_id = models.CharField(max_length=12, db_index=True)
    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=300)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
