"""Shared catalogs as dated data with their legal basis (R-NATIONAL, DOMAIN.md).

One generic table serves every catalog: a new decree is a data file loaded by
`hoso catalog load`, never a release. Dossier sections store stable codes (codes are never
reused), validated against the entry valid on the relevant date.
"""

from __future__ import annotations

from django.db import models


class Catalog(models.Model):
    name = models.SlugField(primary_key=True, max_length=64)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    legal_basis = models.TextField(blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class CatalogEntry(models.Model):
    catalog = models.ForeignKey(Catalog, on_delete=models.PROTECT, related_name="entries")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    name_norm = models.CharField(max_length=300, db_index=True)
    parent_code = models.CharField(max_length=64, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text="inclusive")
    legal_basis = models.TextField(blank=True)
    attrs = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["catalog", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "code", "valid_from"], name="catalog_entry_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="catalog_entry_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["catalog", "code"])]

    def __str__(self) -> str:
        return f"{self.catalog_id}:{self.code} {self.name}"
