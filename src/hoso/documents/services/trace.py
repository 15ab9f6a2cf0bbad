"""Tracing a leaked copy as an audited action: `hoso trace-leak FILE` (R-PROHIBITED)."""

from __future__ import annotations

import hashlib

from django.db import transaction

from hoso.access import recorder
from hoso.access.models import User
from hoso.audit.models import AuditAction, AuditOutcome
from hoso.audit.purposes import Purpose
from hoso.documents.selectors.trace import Trace, trace_file


def leak_trace(*, acting_user: User | None, content: bytes, source_name: str = "") -> Trace | None:
    """Trace `content` and audit the lookup (SYSTEM, operation "trace_leak")."""
    trace = trace_file(content)
    with transaction.atomic():
        recorder.record(
            user=acting_user,
            action=AuditAction.SYSTEM,
            outcome=AuditOutcome.OK,
            personal_id=trace.personal_id if trace else "",
            purpose=Purpose.TRACE_LEAK,
            detail={
                "operation": "trace_leak",
                "file": source_name[:200],
                "sha256": hashlib.sha256(content).hexdigest(),
                "found_by": trace.found_by if trace else None,
                "export_id": trace.export_id if trace else None,
            },
        )
    return trace
