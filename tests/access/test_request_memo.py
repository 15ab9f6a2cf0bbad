"""One access decision per user per request (`policies.gate_for`), never across requests and
never outside one: services called from commands, tasks and tests read fresh rows."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.test import RequestFactory

from hoso.access import policies
from hoso.access.models import Role
from hoso.access.services import role_assign
from hoso.core.context import RequestContextMiddleware


def in_request(view):
    """Run `view()` inside one request, as the middleware does for every page and API call."""
    seen = {}

    def get_response(request):
        seen["result"] = view()
        return HttpResponse()

    RequestContextMiddleware(get_response)(RequestFactory().get("/"))
    return seen["result"]


def test_outside_a_request_every_question_reads_fresh_rows(personas, orgs):
    clerk = personas["nhaplieu"]
    assert policies.gate_for(clerk) is not policies.gate_for(clerk)
    assert not policies.is_records_manager(clerk)
    role_assign(
        acting_user=None,
        user=clerk,
        role=Role.RECORDS_MANAGER,
        organization=orgs["finance"],
        valid_from=date(2025, 7, 1),
    )
    assert policies.is_records_manager(clerk)


def test_a_request_reads_the_duties_and_grants_once(personas, django_assert_num_queries):
    manager = personas["quanly"]

    policies.role_ceilings()  # warm the per-process catalog cache

    def page():
        with django_assert_num_queries(2):  # the duties, then the grants
            policies.people_scope(manager)
            policies.can_read_any_dossier(manager)
            policies.review_duties(manager)
            policies.is_records_manager(manager)
            policies.active_grants(manager)
            policies.protected_hidden(manager)
            policies.duty_covers(manager, {Role.RECORDS_MANAGER}, orgs_path(manager))
        return policies.gate_for(manager) is policies.gate_for(manager)

    assert in_request(page)
    assert in_request(lambda: policies.gate_for(manager)) is not in_request(
        lambda: policies.gate_for(manager)
    )


def orgs_path(user):
    return policies.gate_for(user).duties[0].organization.path


def test_a_duty_given_during_the_request_is_seen_by_the_rest_of_it(personas, orgs):
    clerk = personas["nhaplieu"]

    def page():
        before = policies.is_records_manager(clerk)
        role_assign(
            acting_user=None,
            user=clerk,
            role=Role.RECORDS_MANAGER,
            organization=orgs["finance"],
            valid_from=date(2025, 7, 1),
        )
        return before, policies.is_records_manager(clerk)

    assert in_request(page) == (False, True)
