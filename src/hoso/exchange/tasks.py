"""Background work of the exchange app (django-tasks; tests and the federation test nodes run
it at once): the hand-over that a transfer decision to another agency started (R-NO-SILO;
issue 14 item 3; `hoso.federation.services.transfer`).

Thin and idempotent (DESIGN.md house style 8): it takes ids, flushes the node's outbox (so the
hub holds the last version, decision included, before the entry moves) and resumes the
SENDING hand-over through `handover_send` as the records manager who approved the decision.
While the hub cannot be reached or a packet still waits, it leaves the hand-over SENDING with
the reason shown on the decision's page and enqueues itself again later, with a growing
delay, where the backend can defer (the database worker); `hoso handover send` resumes it by
hand as well. A hub refusal is final: REFUSED with its reason, writes resume.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from hoso.access.models import User
from hoso.core.errors import ValidationFailed
from hoso.exchange.services.handover import handover_send
from hoso.federation import client
from hoso.federation.models import Handover, HandoverRole, HandoverState
from hoso.federation.services import sender

RETRIED = ("hub_unavailable", "handover_outbox_pending")
MAX_ATTEMPTS = 12


def _flush() -> None:
    """Push what waits in the outbox (idempotent at the hub: a packet twice is a duplicate)."""
    try:
        for _ in range(20):
            round_ = sender.send_once()
            if round_.sent == 0 or round_.acked == 0:
                return
    except (client.HubUnavailable, sender.BadAck):
        return  # the hand-over below says the hub is down, and we retry


@task()
def handover_run(*, handover_id: str, user_id: int, attempt: int = 1) -> str:
    """Send the hand-over `handover_id` (state SENDING) as user `user_id`; its state after."""
    row = Handover.objects.filter(handover_id=handover_id, role=HandoverRole.SENT).first()
    if row is None or row.state != HandoverState.SENDING:
        return row.state if row is not None else "missing"
    user = User.objects.get(pk=user_id)
    _flush()
    try:
        done = handover_send(
            acting_user=user,
            personal_id=row.personal_id,
            to_node=row.to_node,
            output=Path(row.package).parent,
        )
    except ValidationFailed as error:
        code = error.problems[0].code if error.problems else error.code
        if code not in RETRIED:
            return Handover.objects.get(pk=row.pk).state
        Handover.objects.filter(pk=row.pk, state=HandoverState.SENDING).update(
            reason=f"Lần thử {attempt}: {error.message}"[:500], updated_at=timezone.now()
        )
        _again(handover_id, user_id, attempt)
        return HandoverState.SENDING
    return done.state


def _again(handover_id: str, user_id: int, attempt: int) -> None:
    if attempt >= MAX_ATTEMPTS or not handover_run.get_backend().supports_defer:
        return  # shown SENDING with its reason; `hoso handover send` resumes it
    delay = min(2**attempt, int(settings.HOSO_HUB_RETRY_MAX_SECONDS))
    handover_run.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        handover_id=handover_id, user_id=user_id, attempt=attempt + 1
    )
