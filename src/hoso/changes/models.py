"""Change sets and dossier versions: the one write path of dossier content (R-EQUIV,
R-CORRECT, R-LIVE).

A clerk proposes; a records manager who is not the proposer approves or rejects; only an
approved change set is applied, and applying it appends a new `DossierVersion` holding the
whole dossier as it then is. Versions are the permanent record (never updated or deleted);
the live section tables are the projection of the latest version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hoso.core.fields import EncryptedField


class ChangeStatus(models.TextChoices):
    # A draft is seen and edited by its author only, checked and proposed when submitted.
    DRAFT = "draft", "Bản nháp"
    PROPOSED = "proposed", "Chờ phê duyệt"
    APPLIED = "applied", "Đã phê duyệt và cập nhật"
    REJECTED = "rejected", "Bị từ chối"
    WITHDRAWN = "withdrawn", "Đã rút"


class SourceKind(models.TextChoices):
    PAPER = "paper", "Hồ sơ giấy đã được xác nhận"
    DECISION = "decision", "Quyết định của cấp có thẩm quyền"
    SELF = "self", "Đề nghị của người có hồ sơ"


class ChangeSet(models.Model):
    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    creates_dossier = models.BooleanField(default=False)
    # The operations name sensitive values, so they are encrypted like the fields they touch.
    operations = EncryptedField("Nội dung thay đổi")
    sections = models.JSONField("Các mục bị thay đổi", default=list)
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    paper_confirmed_on = models.DateField("Ngày xác nhận hồ sơ giấy", null=True, blank=True)
    source_note = models.CharField("Căn cứ", max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED
    )
    base_version = models.PositiveIntegerField("Phiên bản gốc", default=0)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="changesets_proposed"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("Lưu lần cuối", auto_now=True, null=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changesets_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField("Lý do", max_length=500, blank=True)
    resulting_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("proposer")),
                name="changeset_reviewer_is_not_proposer",
            )
        ]


class DossierVersion(models.Model):
    personal_id = models.CharField(max_length=12)
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    changeset = models.ForeignKey(ChangeSet, null=True, on_delete=models.PROTECT)
    snapshot = EncryptedField("Toàn bộ hồ sơ")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["personal_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["personal_id", "number"], name="version_unique")
        ]


# --- Discrepancies and signed approvals (R-DISCREPANCY, R-CORRECT) -------------------------------


class DiscrepancyStatus(models.TextChoices):
    OPEN = "open", "Đang chờ xác minh"
    RESOLVED = "resolved", "Đã xác minh"


class Discrepancy(models.Model):
    """A reported difference between the e-dossier and the paper dossier (R-DISCREPANCY).

    While open, it is shown on the dossier to everyone who opens it and freezes the approval
    of paper-based change sets touching its sections (`changes.selectors.discrepancies`). A records
    manager closes it with a signed verification, which opens a 5-working-day obligation to
    enter the verified correction. Never deleted.
    """

    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    sections = models.JSONField("Các mục bị ảnh hưởng", default=list)
    field = models.CharField("Trường", max_length=80, blank=True)
    # What the paper says and where it says it name dossier values: encrypted like them.
    paper_says = EncryptedField("Nội dung theo hồ sơ giấy")
    evidence = EncryptedField("Căn cứ, vị trí trong hồ sơ giấy")
    status = models.CharField(
        max_length=16, choices=DiscrepancyStatus.choices, default=DiscrepancyStatus.OPEN
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discrepancies_reported"
    )
    reported_at = models.DateTimeField()
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discrepancies_verified",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_on = models.DateField("Ngày xác minh", null=True, blank=True)
    verification_note = EncryptedField("Kết quả xác minh")
    # The signed verification: a detached CMS signature over the canonical JSON of the
    # discrepancy and its resolution (rebuilt from the fields above to verify).
    signature_cms = models.BinaryField(null=True, blank=True)
    signer_certificate = models.TextField("Chứng thư số của người ký (PEM)", blank=True)
    signed_payload_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verified_by=models.F("reported_by")),
                name="discrepancy_verifier_is_not_reporter",
            )
        ]


class ApprovalSignature(models.Model):
    """The approver's detached CMS signature over an approval (R-CORRECT).

    What was signed is the RFC 8785 canonical JSON of the change set and the version it made
    (`hoso.changes.signatures.approval_payload`); it is rebuilt from the stored change set and
    version to verify, so a later change of either makes verification fail. Only its SHA-256 is
    kept here: the bytes name dossier values, which stay encrypted in their own tables.
    """

    changeset = models.OneToOneField(
        ChangeSet, on_delete=models.PROTECT, related_name="approval_signature"
    )
    version = models.OneToOneField(
        DossierVersion, on_delete=models.PROTECT, related_name="approval_signature"
    )
    payload_format = models.CharField(max_length=64)
    payload_sha256 = models.CharField(max_length=64)
    cms = models.BinaryField()
    signer_certificate = models.TextField("Chứng thư số của người ký (PEM)")
    signer_username = models.CharField(max_length=150)
    signed_at = models.DateTimeField()


# --- Personnel decisions and deadline obligations (R-10D-DECISION, R-10D-CREATE, R-LIVE) --------


class PersonnelDecision(models.Model):
    """A decision of a competent authority about one person, registered from the document
    received (`changes.services.decisions`). What it does to the dossier is the change set it
    proposed (`hoso.changes.effects`); the decision itself is kept, never deleted.
    """

    decision_type = models.CharField("Loại quyết định", max_length=32)
    number = models.CharField("Số quyết định", max_length=64)
    signed_date = models.DateField("Ngày ký")
    issuer = models.CharField("Cơ quan ban hành", max_length=200)
    received_date = models.DateField("Ngày nhận")
    effective_date = models.DateField("Ngày có hiệu lực")
    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    summary = models.CharField("Trích yếu", max_length=300, blank=True)
    # Why a recruitment, reception or transfer over the unit's staffing quota was registered.
    quota_reason = models.CharField("Lý do vượt chỉ tiêu biên chế", max_length=500, blank=True)
    # The parameters name dossier values, some sensitive (a conclusion on personal history,
    # the reason of a discipline): encrypted like the fields they become.
    parameters = EncryptedField("Nội dung quyết định")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_registered"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    changeset = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )

    class Meta:
        ordering = ["-registered_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_date__gte=models.F("signed_date")),
                name="decision_received_after_signed",
            )
        ]


class ObligationKind(models.TextChoices):
    CREATE_FROM_PAPER = "create_from_paper", "Tạo lập hồ sơ điện tử từ hồ sơ giấy"
    ENTER_DECISION = "enter_decision", "Cập nhật thông tin theo quyết định"
    FIX_DISCREPANCY = "fix_discrepancy", "Cập nhật sau khi xác minh sai lệch"


class Obligation(models.Model):
    """A duty to update a dossier by a legal deadline (`changes.services.obligations`).

    The deadline is counted by `hoso.calendar` under a dated policy from the event day
    (`start_date`, not counted); the rule used is kept with it. It is done when its change set
    is applied (or when `done_at` is set), on time or late.
    """

    kind = models.CharField("Loại việc", max_length=32, choices=ObligationKind.choices)
    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name="Đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người phụ trách",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    # "decision:12", "changeset:40", "discrepancy:3": what gave rise to the duty.
    source = models.CharField("Căn cứ phát sinh", max_length=64, db_index=True)
    changeset = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations"
    )
    start_date = models.DateField("Ngày phát sinh")
    due_date = models.DateField("Hạn hoàn thành")
    policy_code = models.CharField("Chính sách thời hạn", max_length=64)
    rule_code = models.CharField("Quy tắc", max_length=64)
    legal_basis = models.TextField("Căn cứ pháp lý", blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField("Hoàn thành lúc", null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["due_date", "done_at"], name="obligation_due_idx"),
            models.Index(fields=["officer", "due_date"], name="obligation_officer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")),
                name="obligation_due_after_start",
            )
        ]
