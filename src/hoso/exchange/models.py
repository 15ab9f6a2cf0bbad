"""Import batches (issue 13, item 1; docs/decisions/0018-import-as-change-sets.md).

Each imported dossier is a proposed `changes.ChangeSet` creating it; the batch groups them so
that a records manager approves them in one step, signing the batch manifest (each dossier's
personal id and content hash, `exchange.imports.manifest`). An `ImportItem` is written in the
same transaction as its change set, which makes a rerun (or a rerun after the process was
killed) skip what already landed: the pair (personal id, content hash) is unique.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    OPEN = "open", "Đang nhập, chờ phê duyệt"
    APPROVED = "approved", "Đã phê duyệt và ký số"


class ImportBatch(models.Model):
    importer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_batches_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The signed manifest: detached CMS over its RFC 8785 canonical JSON, rebuilt to verify.
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    signature_cms = models.BinaryField(null=True, blank=True)
    signer_certificate = models.TextField("Chứng thư số của người ký (PEM)", blank=True)
    signer_username = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(approver=models.F("importer")),
                name="import_batch_approver_is_not_importer",
            )
        ]


class ImportItem(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="items")
    personal_id = models.CharField("Số định danh", max_length=12)
    content_sha256 = models.CharField(max_length=64)
    source_file = models.CharField("Tệp nguồn", max_length=255)
    changeset = models.OneToOneField(
        "changes.ChangeSet", on_delete=models.PROTECT, related_name="import_item"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id", "content_sha256"], name="import_item_unique"
            )
        ]


class ImportChunk(models.Model):
    """The journal of a run: chunk `number` of the file whose SHA-256 is `file_sha256` was
    checked and written, in the transaction of its change sets and items. A rerun skips a
    chunk journaled without failures (each of its dossiers landed, or had landed before) and
    checks again one with failures, so that their problems are reported again."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="chunks")
    file_sha256 = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    dossiers = models.PositiveIntegerField()
    imported = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "file_sha256", "number"], name="import_chunk_unique"
            )
        ]


class RunStatus(models.TextChoices):
    RUNNING = "running", "Đang kiểm tra và nhập"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Dừng vì lỗi hệ thống"


class ImportRun(models.Model):
    """A run started from the upload page, so that the page can follow it (htmx polling):
    how many dossiers the file names and how many are done, then the outcome and the first
    lines of its report. Counts and located problems only, never dossier content."""

    importer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    file_name = models.CharField("Tệp", max_length=255)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    total = models.PositiveIntegerField(null=True)
    done = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(default=dict)
    issues = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
