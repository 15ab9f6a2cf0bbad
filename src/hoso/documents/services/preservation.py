"""PREMIS preservation events of this app's objects (components, signed résumés): the one
writer of `PreservationEvent`, used by every service here and by `hoso.exchange`."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

import hoso
from hoso.documents.models import (
    Component,
    PreservationEvent,
    PreservationOutcome,
    SignedResume,
)

# The agent of events the node's own software performs (PREMIS agent of type "software").
HOSO_AGENT = f"hoso {hoso.__version__}"


def preservation_event_add(
    *,
    personal_id: str,
    event_type: str,
    detail: str,
    agent: str,
    outcome: str = PreservationOutcome.SUCCESS,
    component: Component | None = None,
    resume: SignedResume | None = None,
    at: datetime | None = None,
) -> PreservationEvent:
    """Record one preservation event. Callers run it inside their own transaction, with the
    change it describes; the detail and agent are cut to what the columns hold."""
    return PreservationEvent.objects.create(
        personal_id=personal_id,
        component=component,
        resume=resume,
        event_type=event_type,
        outcome=outcome,
        detail=detail[:1000],
        agent=agent[:200],
        at=at or timezone.now(),
    )


def component_event_add(
    component: Component,
    event_type: str,
    *,
    detail: str,
    agent: str,
    outcome: str = PreservationOutcome.SUCCESS,
) -> PreservationEvent:
    """A preservation event of one component (see `preservation_event_add`)."""
    return preservation_event_add(
        personal_id=component.personal_id,
        component=component,
        event_type=event_type,
        detail=detail,
        agent=agent,
        outcome=outcome,
    )
