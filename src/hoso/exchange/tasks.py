"""Background work of the exchange app (django-tasks; tests and the federation test nodes run
it at once): the hand-over that a transfer decision to another agency started (R-NO-SILO;
issue 14 item 3; `hoso.federation.services.transfer`).

Thin and idempotent (DESIGN.md house style 8): it takes ids and calls
`exchange.services.handover.handover_resume` as the records manager who approved the decision.
While the hub cannot be reached or a packet still waits, the hand-over stays SENDING with the
reason shown on the decision's page, and the task enqueues itself again with a growing delay
where the backend can defer (the database worker of `hoso worker`); `hoso handover send`
resumes it by hand as well. A refusal of the hub is final.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from hoso.access.models import User
from hoso.exchange.services.handover import handover_resume

MAX_ATTEMPTS = 12


@task()
def handover_run(*, handover_id: str, user_id: int, attempt: int = 1) -> str:
    """Carry on the hand-over `handover_id` as user `user_id`; its state after."""
    user = User.objects.get(pk=user_id)
    state, again = handover_resume(acting_user=user, handover_id=handover_id, attempt=attempt)
    if again and attempt < MAX_ATTEMPTS and handover_run.get_backend().supports_defer:
        delay = min(2**attempt, max(1, int(settings.HOSO_HUB_RETRY_MAX_SECONDS)))
        handover_run.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            handover_id=handover_id, user_id=user_id, attempt=attempt + 1
        )
    return state
