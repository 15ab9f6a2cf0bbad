"""Bringing existing records in (issue 13, item 1; R-DIGITIZE, R-10D-CREATE): hoso's Excel
template and the JSON lines exchange format, checked whole, landing as change sets grouped in
an import batch approved in one signed step (docs/decisions/0018-import-as-change-sets.md)."""
