"""Auditors' questions: who saw this dossier, what did this user see."""

from __future__ import annotations

import datetime as dt

import pytest
from audit_support import Someone, audit_key  # noqa: F401 - fixture
from django.utils import timezone

from hoso.audit import selectors, services
from hoso.audit.models import AuditAction, AuditOutcome

pytestmark = pytest.mark.django_db

AN = "001085000001"
BINH = "001090000002"
CLERK = Someone(pk=7, username="nhaplieu")
MANAGER = Someone(pk=8, username="quanly")


@pytest.fixture
def trail() -> None:
    read, denied = AuditAction.DOSSIER_READ_ALLOWED, AuditAction.DOSSIER_READ_DENIED
    services.event_record(actor=CLERK, action=read, outcome="allow", personal_id=AN)
    services.event_record(actor=MANAGER, action=read, outcome="allow", personal_id=AN)
    services.event_record(actor=CLERK, action=denied, outcome="deny", personal_id=BINH)
    services.event_record(actor=CLERK, action=AuditAction.SEARCH, outcome="ok")
    services.event_record(
        actor=None, action=AuditAction.LOGIN_FAILED, outcome="deny", actor_username="nhaplieu"
    )


@pytest.mark.usefixtures("trail")
def test_who_saw_this_dossier_lists_every_reader_newest_first() -> None:
    events = selectors.events_for_person(AN)
    assert [(e.seq, e.actor_username) for e in events] == [(2, "quanly"), (1, "nhaplieu")]


@pytest.mark.usefixtures("trail")
def test_refused_attempts_are_found_by_outcome() -> None:
    events = selectors.events_for_person(BINH, outcomes=[AuditOutcome.DENY])
    assert [e.action for e in events] == ["dossier_read_denied"]
    assert not selectors.events_for_person(BINH, outcomes=[AuditOutcome.ALLOW]).exists()


@pytest.mark.usefixtures("trail")
def test_what_did_this_user_see_by_id_or_by_name() -> None:
    by_id = selectors.events_for_user(7)
    assert [e.seq for e in by_id] == [4, 3, 1]
    by_name = selectors.events_for_user("nhaplieu")
    assert [e.seq for e in by_name] == [5, 4, 3, 1]  # includes the failed login by that name
    reads = selectors.events_for_user(7, actions=[AuditAction.DOSSIER_READ_ALLOWED])
    assert [e.personal_id for e in reads] == [AN]


@pytest.mark.usefixtures("trail")
def test_a_time_range_includes_its_start_and_excludes_its_end() -> None:
    third = selectors.event_list().get(seq=3)
    events = selectors.event_list(since=third.occurred_at)
    assert {e.seq for e in events} == {3, 4, 5}
    assert not selectors.event_list(until=third.occurred_at).filter(seq=3).exists()
    future = timezone.now() + dt.timedelta(days=1)
    assert not selectors.event_list(since=future).exists()


@pytest.mark.usefixtures("trail")
def test_a_spoofed_name_is_looked_up_in_its_sanitized_form() -> None:
    services.event_record(
        actor=None, action=AuditAction.LOGIN_FAILED, outcome="deny", actor_username="x\u202ey"
    )
    assert selectors.events_for_user("x\u202ey").count() == 1


def test_pages_have_a_fixed_size_and_a_bounded_number_of_queries(
    django_assert_num_queries,
) -> None:
    for _ in range(25):
        services.event_record(actor=CLERK, action="dossier_read_allowed", outcome="allow")
    with django_assert_num_queries(2):  # count + page
        page = selectors.events_page(selectors.events_for_user(7), page=2, size=10)
        seqs = [e.seq for e in page]
    assert seqs == list(range(15, 5, -1))
    last = selectors.events_page(selectors.events_for_user(7), page=99, size=10)
    assert [e.seq for e in last] == [5, 4, 3, 2, 1]
