"""Append-only, hash-chained audit events with signed checkpoints (R-SECRET, R-PROHIBITED,
R-INCIDENT). Imports no other hoso app; see docs/decisions/0005-audit-chain.md."""
