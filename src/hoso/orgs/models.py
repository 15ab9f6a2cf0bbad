"""Agencies and units with validity dates, staffing quotas and job positions (R-NATIONAL,
R-JOB-POSITION).

Units are never deleted: a merger or split closes the old units (`valid_to`) and records the
succession, so work histories and access rights keep pointing at what existed then.
"""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    MINISTRY = "ministry", "Bộ, cơ quan ngang bộ"
    GENERAL_DEPARTMENT = "general_department", "Tổng cục"
    DEPARTMENT_CENTRAL = "department_central", "Vụ, Cục"
    PROVINCIAL_COMMITTEE = "provincial_committee", "UBND tỉnh, thành phố"
    PROVINCIAL_DEPARTMENT = "provincial_department", "Sở, ban, ngành"
    COMMUNE_COMMITTEE = "commune_committee", "UBND xã, phường"
    PUBLIC_UNIT = "public_unit", "Đơn vị sự nghiệp công lập"
    DIVISION = "division", "Phòng, ban"


class Organization(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=100, blank=True)
    name_norm = models.CharField(max_length=300)
    kind = models.CharField(max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized path of ids ("/1/4/9/") so a unit subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    admin_unit_code = models.CharField(max_length=16, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="inclusive")
    legal_basis = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="org_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SuccessionKind(models.TextChoices):
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia, tách"
    RENAME = "rename", "Đổi tên"


class OrgSuccession(models.Model):
    predecessor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="successions_in"
    )
    kind = models.CharField(max_length=16, choices=SuccessionKind.choices)
    effective_date = models.DateField()
    legal_basis = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="org_succession_unique"
            )
        ]


class StaffingQuota(models.Model):
    """Biên chế: how many people of a staff category a unit (with its subtree) may have in a
    year, on the strength of the document that assigned it. Changed only by
    `hoso.staffing.services.quota_set`, which appends a `QuotaChange` every time."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="quotas")
    year = models.PositiveSmallIntegerField()
    staff_category = models.CharField(max_length=32)
    quota = models.PositiveIntegerField()
    legal_basis = models.TextField()
    document_number = models.CharField(max_length=64, blank=True)
    document_date = models.DateField(null=True, blank=True)
    document_issuer = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "year", "staff_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "staff_category"], name="quota_unique"
            )
        ]


class QuotaChange(models.Model):
    """One assignment or adjustment of a quota, kept for good (append-only): the value before
    (none for the first assignment) and after, the document, who recorded it and when."""

    quota = models.ForeignKey(StaffingQuota, on_delete=models.PROTECT, related_name="changes")
    old_quota = models.PositiveIntegerField(null=True, blank=True)
    new_quota = models.PositiveIntegerField()
    legal_basis = models.TextField()
    document_number = models.CharField(max_length=64, blank=True)
    document_date = models.DateField(null=True, blank=True)
    document_issuer = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.CharField(max_length=150, blank=True)  # a username, or "system"

    class Meta:
        ordering = ["quota", "changed_at", "pk"]


class JobPosition(models.Model):
    """Vị trí việc làm of a unit (R-JOB-POSITION): the position's identity (unit and code) and
    its current description; every description it ever had is a dated `JobPositionVersion`.

    People's position rows point here, so a change of description never moves them. Changed
    only by `hoso.staffing.services`; `valid_to` is set when the position is ended.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="job_positions"
    )
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    staff_category = models.CharField(max_length=32)
    qualification_code = models.CharField(max_length=32, blank=True)
    rank_code = models.CharField(max_length=32, blank=True)
    competencies = models.JSONField(default=list, blank=True)
    headcount = models.PositiveSmallIntegerField(default=1)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    legal_basis = models.TextField(blank=True)
    ended_basis = models.TextField(blank=True)  # the document that ended it

    class Meta:
        ordering = ["organization", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="job_position_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="job_position_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JobPositionVersion(models.Model):
    """One dated description of a job position: a change ends the open version the day before
    the new one starts; nothing is overwritten (append-only but for closing `valid_to`)."""

    position = models.ForeignKey(JobPosition, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    staff_category = models.CharField(max_length=32)
    qualification_code = models.CharField(max_length=32, blank=True)
    rank_code = models.CharField(max_length=32, blank=True)
    competencies = models.JSONField(default=list, blank=True)
    headcount = models.PositiveSmallIntegerField(default=1)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    legal_basis = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["position", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "valid_from"], name="job_position_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="job_position_version_period_ordered",
            ),
        ]
