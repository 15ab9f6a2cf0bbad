"""What the node learnt from the population database, kept beside the dossier (R-POPULATION).

``Lookup`` is one answer (or failure) at a dossier's creation or a reconciliation: its stable
code and, when found, the record itself, encrypted like the dossier fields it fills. A dossier
whose latest creation lookup is ``population_found`` has its identity fields sourced from the
population database; any other code means typed by hand, unverified. ``Difference`` is one field
that a reconciliation proposed to change, so a second run proposes nothing while it is open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hoso.core.fields import EncryptedField


class Purpose(models.TextChoices):
    CREATION = "creation", "Tạo hồ sơ"
    RECONCILIATION = "reconciliation", "Đối chiếu"


class Lookup(models.Model):
    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code = models.CharField("Kết quả", max_length=40)
    record = EncryptedField("Thông tin trả về", blank=True, default="")
    changeset = models.ForeignKey(
        "changes.ChangeSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    looked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    looked_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-looked_up_at", "-pk"]

    @property
    def verified(self) -> bool:
        return self.code == "population_found"


class Difference(models.Model):
    personal_id = models.CharField("Số định danh", max_length=12, db_index=True)
    field = models.CharField("Trường", max_length=40)
    digest = models.CharField(max_length=64)  # SHA-256 of the proposed value, not the value
    changeset = models.ForeignKey("changes.ChangeSet", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["personal_id", "field", "digest"])]
