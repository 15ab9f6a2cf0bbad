"""A personnel procedure and its append-only, signed step history (R-ONLINE-100).

The steps themselves are data (`procedure_type` catalog, `hoso.procedures.definitions`); a
procedure keeps the version of the definition it started under, so a changed catalog never
re-routes a procedure already running.
"""

from django.db import models
from django.utils import timezone

from hoso.access.models import User


class ProcedureState(models.TextChoices):
    RUNNING = "running", "Đang thực hiện"
    REJECTED = "rejected", "Bị từ chối"
    DONE = "done", "Đã ban hành quyết định"


class StepOutcome(models.TextChoices):
    APPROVE = "approve", "Đồng ý"
    REJECT = "reject", "Từ chối"


class Procedure(models.Model):
    procedure_type = models.CharField(max_length=32)
    type_version = models.PositiveIntegerField()
    personal_id = models.CharField(max_length=12, db_index=True)
    unit_code = models.CharField(max_length=64)
    params = models.JSONField(default=dict)  # proposed post/unit and decision parameters
    state = models.CharField(
        max_length=16, choices=ProcedureState.choices, default=ProcedureState.RUNNING
    )
    current_step = models.CharField(max_length=64, blank=True)
    current_due = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)  # stale-version check (409)
    decision_id = models.BigIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The moment it was opened; `procedure_start(today=…)` backdates it with its deadlines.
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-pk"]


class ProcedureStep(models.Model):
    """One act on a step: never updated, never deleted."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="steps")
    step_code = models.CharField(max_length=64)
    duty = models.CharField(max_length=32)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    acted_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=StepOutcome.choices)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict)  # vote counts, documents, eligibility verdict
    deadline = models.DateField()
    overdue = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=64)
    payload = models.BinaryField()  # the canonical JSON signed
    signature = models.BinaryField()  # detached CMS (DER)
    certificate_serial = models.CharField(max_length=80)

    class Meta:
        ordering = ["acted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "idempotency_key"], name="procedure_step_once"
            )
        ]


class ProcedureDocument(models.Model):
    """A document a step requires (`documents` of the step in the catalog): the PDF as the
    actor uploaded it, PAdES-signed with their certificate and stored encrypted; the step's
    CMS signature covers its SHA-256. Never updated; one not used by a step stays unused."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="documents")
    step_code = models.CharField(max_length=64)
    code = models.CharField(max_length=32)  # catalog procedure_document
    filename = models.CharField(max_length=200)
    key = models.CharField(max_length=80)  # in hoso.documents.storage
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField()
    certificate_serial = models.CharField(max_length=80)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "pk"]


class ServiceFeedback(models.Model):
    """A citizen's rating of a unit's service (R-TRANSPARENT). Nothing about who sent it is
    kept: no name, no address, no moment finer than the day (`procedures.feedback`)."""

    unit_code = models.CharField(max_length=64, db_index=True)
    rating = models.PositiveSmallIntegerField()  # 1 (very poor) … 5 (very good)
    comment = models.TextField(blank=True)
    submitted_on = models.DateField()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="service_feedback_rating"
            )
        ]
