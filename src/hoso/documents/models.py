"""Dossier components, their preservation events, served copies and signed résumés.

Stored bytes live in `storage` (encrypted); these rows hold their keys, SHA-256 and sizes.
Rows that name a person keep the personal id (not a cascading foreign key): like the audit
trail, the preservation record outlives any change to the live dossier tables. Nothing here
is deleted; a replaced scan is superseded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hoso.core.fields import EncryptedField


class ComponentStatus(models.TextChoices):
    RECEIVED = "received", "Đã nhận, đang chờ xử lý"
    PROCESSING = "processing", "Đang chuyển PDF/A và nhận dạng chữ"
    READY = "ready", "Đã lưu trữ (PDF/A, có lớp chữ)"
    NEEDS_REVIEW = "needs_review", "Cần kiểm tra thủ công (nhận dạng chữ không thành công)"


class Component(models.Model):
    """One document of a person's dossier: a scan, kept as received and as PDF/A-2b + OCR."""

    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    kind = models.CharField("Loại thành phần", max_length=40)  # catalog component_kind
    title = models.CharField("Tên tài liệu", max_length=300)
    # What it proves: a section row (a diploma → its training row) or a change set (a decision).
    section = models.CharField("Mục hồ sơ", max_length=40, blank=True)
    section_row_id = models.BigIntegerField(null=True, blank=True)
    changeset = models.ForeignKey(
        "changes.ChangeSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
    )
    position = models.PositiveIntegerField("Thứ tự trong hồ sơ giấy")
    sensitivity = models.CharField("Mức phân loại", max_length=32)
    status = models.CharField(
        max_length=16, choices=ComponentStatus.choices, default=ComponentStatus.RECEIVED
    )
    status_note = models.CharField(max_length=500, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, for the progress bar
    # The original, byte for byte.
    original_name = models.CharField("Tên tệp gốc", max_length=200)
    media_type = models.CharField(max_length=40)
    original_key = models.CharField(max_length=32)
    original_sha256 = models.CharField(max_length=64)
    original_size = models.BigIntegerField()
    # The preservation copy (PDF/A-2b with a text layer); empty until made.
    pdfa_key = models.CharField(max_length=32, blank=True)
    pdfa_sha256 = models.CharField(max_length=64, blank=True)
    pdfa_size = models.BigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # What OCR read: it names dossier values, so it is encrypted; search uses `ComponentTerm`.
    ocr_text = EncryptedField("Nội dung nhận dạng")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="components_uploaded"
    )
    uploaded_at = models.DateTimeField()
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        ordering = ["personal_id", "position", "id"]
        indexes = [models.Index(fields=["personal_id", "position"])]


class ComponentTerm(models.Model):
    """One normalized word of a component's OCR text, as a keyed blind index: whole-word,
    accent-insensitive search without keeping the text in clear (`hoso.core.crypto`)."""

    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="terms")
    term = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["component", "term"], name="component_term_unique")
        ]


class PreservationEventType(models.TextChoices):
    """PREMIS 3 event types (id.loc.gov/vocabulary/preservation/eventType)."""

    INGESTION = "ingestion", "Tiếp nhận"
    MESSAGE_DIGEST = "message digest calculation", "Tính mã băm"
    FIXITY_CHECK = "fixity check", "Kiểm tra tính toàn vẹn"
    NORMALIZATION = "normalization", "Chuyển sang định dạng lưu trữ (PDF/A)"
    TEXT_EXTRACTION = "metadata extraction", "Nhận dạng chữ (OCR)"
    VALIDATION = "validation", "Kiểm tra định dạng"
    DIGITAL_SIGNATURE_GENERATION = "digital signature generation", "Ký số"
    DIGITAL_SIGNATURE_VALIDATION = "digital signature validation", "Kiểm tra chữ ký số"
    DISSEMINATION = "dissemination", "Cấp bản sao"
    MIGRATION = "migration", "Chuyển đổi"
    CAPTURE = "capture", "Đóng gói lưu trữ"


class PreservationOutcome(models.TextChoices):
    SUCCESS = "success", "Thành công"
    FAILURE = "failure", "Thất bại"
    WARNING = "warning", "Cảnh báo"


class PreservationEvent(models.Model):
    """A PREMIS event about a component, a signed résumé or a person's package."""

    personal_id = models.CharField(max_length=12, db_index=True)
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    resume = models.ForeignKey(
        "SignedResume", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    event_type = models.CharField(max_length=40, choices=PreservationEventType.choices)
    outcome = models.CharField(max_length=16, choices=PreservationOutcome.choices)
    detail = models.CharField(max_length=1000, blank=True)
    agent = models.CharField(max_length=200)  # username, or the software and its version
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class ServedCopy(models.Model):
    """A stamped copy handed to someone (R-PROHIBITED): who, when, of what, and its hash, so a
    leaked file leads back here (`hoso trace-leak`)."""

    export_id = models.CharField(max_length=24, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    username = models.CharField(max_length=150)
    personal_id = models.CharField(max_length=12, db_index=True)
    component = models.ForeignKey(Component, null=True, blank=True, on_delete=models.PROTECT)
    resume = models.ForeignKey("SignedResume", null=True, blank=True, on_delete=models.PROTECT)
    purpose = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    client_address = models.CharField(max_length=64, blank=True)
    served_at = models.DateTimeField()

    class Meta:
        ordering = ["-served_at"]


class SignedResume(models.Model):
    """Mẫu 2C-BNV/2008 rendered from one dossier version and signed (PAdES) by a records
    manager; the stored bytes are the signed PDF/A as signed."""

    personal_id = models.CharField(max_length=12, db_index=True)
    version_number = models.PositiveIntegerField()
    as_of = models.DateField(null=True, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    signer_username = models.CharField(max_length=150)
    certificate_serial = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    # The highest class of any field the résumé prints: a reader must see all of it.
    sensitivity = models.CharField(max_length=32, default="sensitive")
    # Not stored: set by `resume_issue` when it returned this résumé instead of signing anew.
    reused: bool = False

    class Meta:
        ordering = ["personal_id", "-signed_at"]


class FindingStatus(models.TextChoices):
    PROPOSED = "proposed", "Chờ người xác nhận"
    CONFIRMED = "confirmed", "Đã xác nhận, đã báo sai lệch"
    DISMISSED = "dismissed", "Đã bác bỏ (do nhận dạng sai)"


class ConsistencyFinding(models.Model):
    """A field read off a scan that differs from the e-dossier: proposed as a discrepancy
    report, which a person confirms (it becomes a `changes.Discrepancy`) or dismisses."""

    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="findings")
    personal_id = models.CharField(max_length=12, db_index=True)
    field = models.CharField(max_length=80)  # e.g. identity.full_name, decision.number
    section = models.CharField(max_length=40)
    dossier_value = EncryptedField("Giá trị trong hồ sơ điện tử")
    scanned_value = EncryptedField("Giá trị đọc được trên bản quét")
    status = models.CharField(
        max_length=16, choices=FindingStatus.choices, default=FindingStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    discrepancy = models.ForeignKey(
        "changes.Discrepancy", null=True, blank=True, on_delete=models.PROTECT
    )
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-found_at"]


class PaperLoan(models.Model):
    """One loan of a person's paper dossier (seed 003: the e-dossier and the hard copy are used
    together; R-WRITTEN-APPROVAL): who has it, why, on whose written approval, since when and
    until when, which parts, and how it came back.

    The paper exists once: at most one open loan per dossier (a partial unique constraint).
    Rows are never deleted; an extension is appended to `extensions`, a return closes the row.
    Written only by `documents.services.lending`.
    """

    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    # The borrower: an account of this node, or a named person of another agency.
    borrower_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paper_loans",
    )
    borrower_name = models.CharField("Người mượn", max_length=200)
    borrower_unit = models.CharField("Cơ quan, đơn vị của người mượn", max_length=300)
    purpose = models.CharField("Mục đích, lý do mượn", max_length=500)
    # The written approval (R-WRITTEN-APPROVAL): who approved, by which document, when.
    approver_name = models.CharField("Người phê duyệt", max_length=200)
    approval_number = models.CharField("Số văn bản phê duyệt", max_length=60)
    approval_date = models.DateField("Ngày văn bản phê duyệt")
    # What was lent: the whole dossier, or listed parts (catalog component_kind codes).
    whole = models.BooleanField("Cho mượn toàn bộ hồ sơ", default=True)
    parts = models.JSONField("Các thành phần cho mượn", default=list, blank=True)
    out_date = models.DateField("Ngày cho mượn")
    due_date = models.DateField("Hạn trả")
    # [{"from": iso, "to": iso, "reason": str, "by": username, "at": iso}], oldest first.
    extensions = models.JSONField("Các lần gia hạn", default=list, blank=True)
    returned_on = models.DateField("Ngày trả", null=True, blank=True)
    return_note = models.CharField("Tình trạng khi trả", max_length=1000, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paper_loans_received",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="paper_loans_recorded"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-out_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=models.Q(returned_on__isnull=True),
                name="paper_loan_one_open_per_dossier",
            )
        ]
        indexes = [models.Index(fields=["returned_on", "due_date"])]

    @property
    def is_open(self) -> bool:
        return self.returned_on is None
