"""Infrastructure tables (no business rules)."""

from __future__ import annotations

from django.db import models


class DataKey(models.Model):
    """A data-encryption key, stored only wrapped (AES-GCM) under the node's master key.

    Envelope encryption (docs/decisions/0006-encryption-at-rest.md): rotating the master key
    rewraps these rows; rotating a data key makes a new active row and re-encrypts values.
    """

    class Purpose(models.TextChoices):
        DATA = "data", "Mã hóa dữ liệu"
        INDEX = "index", "Chỉ mục mù"

    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    fingerprint = models.CharField(max_length=16, unique=True)
    wrapped = models.TextField()
    master_fingerprint = models.CharField(max_length=16)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
