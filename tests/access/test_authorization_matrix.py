"""Every page and API operation × every persona × scope (issue: security, "Done when").

`ROUTES` must name every URL of the web app and every operation of the API: adding an
endpoint without rows here fails `test_every_endpoint_has_rows`. Each row says how the
endpoint decides; the matrix then checks every persona against every scope:
own unit, other unit, own dossier, and for an officer of another agency no grant, an expired
grant, a revoked grant and an active grant.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.eligibility.helpers import eligible

from conftest import PASSWORD, employee_account, login
from hoso.access.services import grant_issue, grant_revoke, token_create
from hoso.core.dates import today


@dataclass(frozen=True)
class Route:
    kind: str  # public | page | dossier | list | export_list | export_dossier | reference
    path: str = ""  # API path template, or web URL name


ROUTES: dict[str, Route] = {
    "web:login": Route("public", "web:login"),
    "web:transparency": Route("open", "web:transparency"),  # aggregates only, no login
    # Citizens' feedback: anyone, signed in or not, POST only; a GET is 405 for everyone
    # (in depth in tests/web/test_transparency_feedback.py).
    "web:transparency_feedback": Route("open_post", "web:transparency_feedback"),
    "web:logout": Route("logout", "web:logout"),
    "web:search": Route("list", "web:search"),
    "web:dossier": Route("dossier", "web:dossier"),
    "web:orgs": Route("page", "web:orgs"),
    "web:org": Route("page", "web:org"),
    "web:completeness": Route("page", "web:completeness"),
    "web:catalogs": Route("page", "web:catalogs"),
    "web:catalog": Route("page", "web:catalog"),
    "GET /api/v1/people": Route("list", "/api/v1/people"),
    "GET /api/v1/people/export.csv": Route("export_list", "/api/v1/people/export.csv"),
    "GET /api/v1/people/{personal_id}": Route("dossier", "/api/v1/people/{personal_id}"),
    "GET /api/v1/people/{personal_id}/export.json": Route(
        "export_dossier", "/api/v1/people/{personal_id}/export.json"
    ),
    "GET /api/v1/identity/{personal_id}": Route("reference", "/api/v1/identity/001085012345"),
    "GET /api/v1/catalogs": Route("reference", "/api/v1/catalogs"),
    "GET /api/v1/catalogs/{name}": Route("reference", "/api/v1/catalogs/ethnicity"),
    "GET /api/v1/organizations": Route("reference", "/api/v1/organizations"),
    "GET /api/v1/organizations/{code}": Route("reference", "/api/v1/organizations/T01"),
    "GET /api/v1/organizations/{code}/quotas": Route(
        "reference", "/api/v1/organizations/T01/quotas"
    ),
    "GET /api/v1/calendar/working-days": Route(
        "reference", "/api/v1/calendar/working-days?start=2026-02-13&days=10"
    ),
    "GET /api/v1/calendar/day/{day}": Route("reference", "/api/v1/calendar/day/2026-02-17"),
    "POST /api/v1/decisions": Route("post_only", "/api/v1/decisions"),
    "GET /api/v1/decisions/{decision_id}": Route("missing", "/api/v1/decisions/999999"),
    "GET /api/v1/obligations": Route("page", "/api/v1/obligations"),
    # Personnel procedures (in depth in tests/procedures/): the waiting list is the caller's
    # own duties' work; a procedure is read through the dossier gate; writes are POST-only.
    "GET /api/v1/procedures": Route("page", "/api/v1/procedures"),
    # A GET of the start path is the waiting list.
    "POST /api/v1/procedures": Route("page", "/api/v1/procedures"),
    "GET /api/v1/procedures/{procedure_id}": Route("missing", "/api/v1/procedures/999999"),
    "POST /api/v1/procedures/{procedure_id}/steps": Route(
        "post_only", "/api/v1/procedures/999999/steps"
    ),
    # Staff reduction candidates: cut by the reader's gate, like the completeness worklist.
    "GET /api/v1/procedures/staff-reduction/candidates": Route(
        "page", "/api/v1/procedures/staff-reduction/candidates?unit=T01.STC&year=2026"
    ),
    "GET /api/v1/obligations/counts": Route("page", "/api/v1/obligations/counts"),
    "GET /api/v1/procedures/{procedure_id}/documents/{document_id}": Route(
        "missing", "/api/v1/procedures/999999/documents/1"
    ),
    "GET /api/v1/procedures/planning": Route(
        "page", "/api/v1/procedures/planning?unit=T01.STC&term=2026-2031"
    ),
    "POST /api/v1/procedures/{procedure_id}/documents": Route(
        "post_only", "/api/v1/procedures/999999/documents"
    ),
}
# The procedure pages (in depth in tests/web/test_procedure_pages.py): the lists are cut by
# people_scope (an empty list outside it); a procedure is read through the dossier gate; the
# start form only for the duty of a type's first step (the clerk) over the dossier's unit.
ROUTES |= {
    "web:procedures": Route("page", "web:procedures"),
    "web:procedures_waiting": Route("page", "web:procedures_waiting"),
    "web:procedure_new": Route("page", "web:procedure_new"),
    "web:procedure_start": Route("starter_dossier", "web:procedure_start"),
    "web:procedure": Route("missing", "web:procedure"),
    "web:procedure_step": Route("post_only", "web:procedure_step"),
    # A step's signed document, through the dossier gate (in depth in tests/procedures/
    # test_document_download.py); the planning list of a term, cut by people_scope.
    "web:procedure_document": Route("missing", "web:procedure_document"),
    "web:procedure_planning": Route("page", "web:procedure_planning"),
    # The real-time view of the work (in depth in tests/web/test_dashboard_pages.py): leaders
    # over their subtree, auditors over every unit, 403 for everyone else.
    "web:dashboard": Route("overseer", "web:dashboard"),
}
# The security pages (each checked in depth in tests/web/test_security_pages.py).
ROUTES |= {
    "web:grants": Route("records_manager", "web:grants"),
    "web:grant_new": Route("records_manager", "web:grant_new"),
    "web:grant": Route("missing", "web:grant"),  # no grant recorded by the persona: 404
    "web:grant_revoke": Route("post_only", "web:grant_revoke"),
    "web:my_grants": Route("page", "web:my_grants"),  # the persona's own grants only
    "web:consent": Route("employee", "web:consent"),
    "web:consent_give": Route("post_only", "web:consent_give"),
    "web:consent_withdraw": Route("post_only", "web:consent_withdraw"),
    "web:audit_events": Route("reviewer", "web:audit_events"),
    "web:audit_export": Route("post_only", "web:audit_export"),
    "web:audit_person": Route("reviewer", "web:audit_person"),
    "web:audit_user": Route("reviewer", "web:audit_user"),
    "web:alerts": Route("reviewer", "web:alerts"),
    "web:alert_acknowledge": Route("post_only", "web:alert_acknowledge"),
}
WEB_ARGS = {
    "web:procedure": [999999],
    "web:procedure_step": [999999],
    "web:procedure_document": [999999, 1],
    "web:org": ["T01"],
    "web:catalog": ["ethnicity"],
    "web:grant": [999999],
    "web:grant_revoke": [999999],
    "web:consent_give": [999999],
    "web:consent_withdraw": [999999],
    "web:audit_person": ["001085012345"],
    "web:audit_user": ["nhaplieu"],
    "web:alert_acknowledge": [999999],
}
# The login's code step, and the account pages (in depth in tests/web/test_accounts_pages.py).
ROUTES |= {
    "web:otp": Route("otp", "web:otp"),
    "web:accounts": Route("admin", "web:accounts"),
    "web:account_create": Route("admin", "web:account_create"),
    "web:account": Route("admin", "web:account"),
    "web:account_duty_assign": Route("admin_post", "web:account_duty_assign"),
    "web:account_duty_end": Route("admin_post", "web:account_duty_end"),
    "web:account_password": Route("admin", "web:account_password"),
    "web:account_disable": Route("admin", "web:account_disable"),
    "web:account_totp": Route("admin", "web:account_totp"),
    # Everyone's own API tokens (in depth in tests/access/test_authorization_matrix_accounts.py).
    "web:my_tokens": Route("page", "web:my_tokens"),
    "web:my_token_revoke": Route("post_only", "web:my_token_revoke"),
}
WEB_ARGS |= {
    **{
        f"web:account{suffix}": ["quanly"]
        for suffix in ("", "_duty_assign", "_password", "_disable", "_totp")
    },
    "web:account_duty_end": ["quanly", 999999],
    "web:my_token_revoke": [999999],
}

# The work pages (each checked in depth in tests/web/test_work_pages.py).
ROUTES |= {
    "web:work": Route("page", "web:work"),  # obligations of the persona's scope only
    "web:discrepancies": Route("page", "web:discrepancies"),  # cut by people_scope
    "web:discrepancy": Route("missing", "web:discrepancy"),
    "web:discrepancy_resolve": Route("post_only", "web:discrepancy_resolve"),
    "web:discrepancy_report": Route("dossier", "web:discrepancy_report"),
    "web:versions": Route("dossier", "web:versions"),
    "web:changesets": Route("records_manager", "web:changesets"),
    "web:changeset": Route("missing", "web:changeset"),
    "web:changeset_approve": Route("post_only", "web:changeset_approve"),
    "web:changeset_reject": Route("post_only", "web:changeset_reject"),
    "web:self_correction": Route("employee", "web:self_correction"),
}
WEB_ARGS |= {
    "web:discrepancy": [999999],
    "web:discrepancy_resolve": [999999],
    "web:changeset": [999999],
    "web:changeset_approve": [999999],
    "web:changeset_reject": [999999],
}

# Dossier entry (in depth in tests/web/test_entry_pages.py, tests/api/test_changesets_api.py):
# creating and correcting dossiers is for clerks and records managers; a draft is its author's
# only (none here: 404); the employee asks for a correction of their own dossier's sections.
ROUTES |= {
    "web:entry_start": Route("writer", "web:entry_start"),
    "web:entry_units": Route("page", "web:entry_units"),  # the unit tree, reference data
    "web:entry_draft": Route("missing", "web:entry_draft"),
    "web:entry_section": Route("missing", "web:entry_section"),
    "web:dossier_edit": Route("writer_dossier", "web:dossier_edit"),
    "web:dossier_edit_section": Route("writer_dossier", "web:dossier_edit_section"),
    "web:self_correction_section": Route("employee", "web:self_correction_section"),
    "POST /api/v1/changesets": Route("post_only", "/api/v1/changesets"),
    "GET /api/v1/changesets/{changeset_id}": Route("missing", "/api/v1/changesets/999999"),
    "POST /api/v1/changesets/{changeset_id}/approve": Route(
        "post_only", "/api/v1/changesets/999999/approve"
    ),
    "POST /api/v1/changesets/{changeset_id}/reject": Route(
        "post_only", "/api/v1/changesets/999999/reject"
    ),
}
WEB_ARGS |= {
    "web:entry_draft": [999999],
    "web:entry_section": [999999, "identity"],
    "web:dossier_edit_section": ["identity"],  # after the personal id
    "web:self_correction_section": ["identity"],
}
WRITERS = {"nhaplieu", "quanly", "ngoai"}  # a clerk's or records manager's duty somewhere

# The résumé and stamped copies (in depth in tests/documents/test_resume_api.py). The résumé
# shows the whole dossier up to "sensitive": leaders, auditors and a "personal" grant get 404;
# the others get 409 (no dossier of the matrix has a signed résumé).
ROUTES |= {
    "GET /api/v1/people/{personal_id}/resume.pdf": Route(
        "resume", "/api/v1/people/{personal_id}/resume.pdf"
    ),
    "POST /api/v1/people/{personal_id}/resume": Route(
        "post_only", "/api/v1/people/{personal_id}/resume"
    ),
    # The hand-over to another node (in depth in tests/federation/test_handover.py).
    # The receiving side: the inbox page for records managers, the API's accept POST-only
    # (in depth in tests/federation/test_transfer_decision.py).
    "web:handover_inbox": Route("records_manager", "web:handover_inbox"),
    # Its list through the API, by the same rule (tests/federation/test_handover_inbox_api.py).
    "GET /api/v1/handovers": Route("records_manager", "/api/v1/handovers"),
    "POST /api/v1/handovers/{handover_id}/accept": Route(
        "post_only", "/api/v1/handovers/0123456789abcdef0123456789abcdef/accept"
    ),
    "POST /api/v1/people/{personal_id}/handover": Route(
        "post_only", "/api/v1/people/{personal_id}/handover"
    ),
    "GET /api/v1/components/{component_id}/copy.pdf": Route(
        "missing", "/api/v1/components/999999/copy.pdf"
    ),
}
SEES_RESUME = {"nhaplieu", "quanly", "canbo"}
# Dossier components (in depth in tests/documents/test_components_api.py). A GET of the upload
# path is the component list, gated like the dossier; a component nobody has is a 404.
ROUTES |= {
    "GET /api/v1/people/{personal_id}/components": Route(
        "dossier", "/api/v1/people/{personal_id}/components"
    ),
    "POST /api/v1/people/{personal_id}/components": Route(
        "dossier", "/api/v1/people/{personal_id}/components"
    ),
    "GET /api/v1/components/{component_id}": Route("missing", "/api/v1/components/999999"),
    "GET /api/v1/components/search": Route("page", "/api/v1/components/search?q=nguyen"),
}
# The documents pages (in depth in tests/web/test_documents_pages.py). Without a signed résumé
# the page sends those who may see one back to the documents page with the reason.
ROUTES |= {
    "web:components": Route("dossier", "web:components"),
    "web:component_status": Route("missing", "web:component_status"),
    "web:component_copy": Route("missing", "web:component_copy"),
    "web:component_move": Route("post_only", "web:component_move"),
    "web:resume_copy": Route("resume_web", "web:resume_copy"),
    "web:resume_sign": Route("post_only", "web:resume_sign"),
    "web:document_search": Route("page", "web:document_search"),
    "web:finding_confirm": Route("post_only", "web:finding_confirm"),
    "web:finding_dismiss": Route("post_only", "web:finding_dismiss"),
}
# The employee's home (in depth in tests/web/test_self_home_pages.py): 200 for everyone, the
# own dossier or a notice that none is linked to the account.
ROUTES |= {
    "web:self_home": Route("page", "web:self_home"),
    "web:self_consent_withdraw": Route("post_only", "web:self_consent_withdraw"),
}
WEB_ARGS |= {"web:self_consent_withdraw": [999999]}
# The national hub's pages (in depth in tests/federation/test_hub_pages.py): only a
# `hub_operator` duty opens them; no persona of a node holds one, so each gets 403 (audited).
ROUTES |= {
    "web:hub_registry": Route("hub_operator", "web:hub_registry"),
    "web:hub_statistics": Route("hub_operator", "web:hub_statistics"),
    "web:hub_nodes": Route("hub_operator", "web:hub_nodes"),
}

WEB_ARGS |= {
    "web:component_status": [999999],
    "web:component_copy": [999999],
    "web:component_move": [999999],
    "web:finding_confirm": [999999],
    "web:finding_dismiss": [999999],
    "web:resume_sign": ["001085012345"],
}

# Statistics (in depth in tests/analytics, tests/api/test_stats.py, tests/web/test_stats_pages.py):
# counts for whoever holds a reading duty (over their own subtree), 403 for the others.
ROUTES |= {
    "web:stats": Route("stats", "web:stats"),
    "web:stats_people": Route("stats", "web:stats_people"),
    "web:stats_report": Route("stats_download", "web:stats_report"),
    "GET /api/v1/stats/workforce": Route("stats_province", "/api/v1/stats/workforce?unit=T01"),
    "GET /api/v1/stats/retirements": Route("stats_province", "/api/v1/stats/retirements?unit=T01"),
    "GET /api/v1/people/{personal_id}/forecast": Route(
        "dossier", "/api/v1/people/{personal_id}/forecast"
    ),
    # The eligibility verdict (issue 12): whoever may read the dossier, like its forecast.
    "GET /api/v1/people/{personal_id}/eligibility": Route(
        "dossier", "/api/v1/people/{personal_id}/eligibility?action=appointment"
    ),
}
# Personnel decisions (in depth in tests/web/test_decision_pages.py): the list for whoever may
# read the dossier; the registration form only for a clerk or records manager over it.
ROUTES |= {
    "web:decisions": Route("dossier", "web:decisions"),
    "web:decision_new": Route("writer_dossier", "web:decision_new"),
    "GET /api/v1/people/{personal_id}/decisions": Route(
        "dossier", "/api/v1/people/{personal_id}/decisions"
    ),
    "POST /api/v1/decisions/preview": Route("post_only", "/api/v1/decisions/preview"),
}
# Completeness against the dossier standard (in depth in tests/web/test_completeness_pages.py
# and tests/api/test_completeness_api.py): a unit's worklist and counts cover only the dossiers
# the reader may open, so every persona gets 200 (an empty list outside their scope).
ROUTES |= {
    "web:completeness_unit": Route("page", "web:completeness_unit"),
    "GET /api/v1/completeness": Route("page", "/api/v1/completeness?unit=T01.STC"),
}
WEB_ARGS |= {"web:completeness_unit": ["T01.STC"]}
# Paper dossier loans (in depth in tests/documents/test_lending.py, tests/web/test_lending_pages.py,
# tests/api/test_lending_api.py): the list for records managers, a dossier's paper page and its
# loans for whoever may open the dossier; the writes are POST-only (their own rows below).
ROUTES |= {
    "web:paper_loans": Route("records_manager", "web:paper_loans"),
    # Imports (issue 13): the upload page for records managers; the batch approval is POST.
    "web:imports": Route("records_manager", "web:imports"),
    "web:import_batch_approve": Route("post_only", "web:import_batch_approve"),
    # A run's progress is its importer's only: no persona started run 999999, so 404.
    "web:import_run": Route("missing", "web:import_run"),
    "web:paper_dossier": Route("dossier", "web:paper_dossier"),
    "web:paper_loan_open": Route("post_only", "web:paper_loan_open"),
    "web:paper_loan_return": Route("post_only", "web:paper_loan_return"),
    "web:paper_loan_extend": Route("post_only", "web:paper_loan_extend"),
    "GET /api/v1/people/{personal_id}/paper-loans": Route(
        "dossier", "/api/v1/people/{personal_id}/paper-loans"
    ),
    # A GET of the lending path is the list of loans, gated like the dossier.
    "POST /api/v1/people/{personal_id}/paper-loans": Route(
        "dossier", "/api/v1/people/{personal_id}/paper-loans"
    ),
    "POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/return": Route(
        "post_only", "/api/v1/people/{personal_id}/paper-loans/999999/return"
    ),
    "POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/extend": Route(
        "post_only", "/api/v1/people/{personal_id}/paper-loans/999999/extend"
    ),
    # The user guide served by the node: no dossier content, any signed-in user.
    "web:guide": Route("page", "web:guide"),
    "web:guide_topic": Route("page", "web:guide_topic"),
}
WEB_ARGS |= {
    "web:paper_loan_open": ["001085012345"],
    "web:paper_loan_return": [999999],
    "web:paper_loan_extend": [999999],
    "web:guide_topic": ["ho-so-giay"],
    "web:import_batch_approve": [999999],
    "web:import_run": [999999],
}
# Staffing (in depth in tests/staffing and tests/web/test_staffing_pages.py; the writes of every
# persona in tests/access/test_authorization_matrix_staffing.py). The standing and the job
# positions are structure, open to every signed-in user; the write pages are the records
# manager's over the unit (quanly covers T01), the one 404 for the others.
ROUTES |= {
    "web:staffing": Route("page", "web:staffing"),
    "web:quota_set": Route("records_manager", "web:quota_set"),
    "web:job_position_new": Route("records_manager", "web:job_position_new"),
    "web:job_position": Route("missing", "web:job_position"),
    "web:job_position_change": Route("missing", "web:job_position_change"),
    "web:job_position_end": Route("post_only", "web:job_position_end"),
    # A POST that shares its path with a GET is checked here by the GET.
    "POST /api/v1/organizations/{code}/quotas": Route(
        "reference", "/api/v1/organizations/T01/quotas"
    ),
    "PUT /api/v1/organizations/{code}/quotas/{year}/{staff_category}": Route(
        "post_only", "/api/v1/organizations/T01/quotas/2026/civil_servant"
    ),
    "GET /api/v1/organizations/{code}/quotas/history": Route(
        "reference", "/api/v1/organizations/T01/quotas/history"
    ),
    "GET /api/v1/organizations/{code}/standing": Route(
        "reference", "/api/v1/organizations/T01/standing"
    ),
    "GET /api/v1/organizations/{code}/positions": Route(
        "reference", "/api/v1/organizations/T01/positions"
    ),
    "POST /api/v1/organizations/{code}/positions": Route(
        "reference", "/api/v1/organizations/T01/positions"
    ),
    "GET /api/v1/organizations/{code}/positions/{position_code}": Route(
        "missing", "/api/v1/organizations/T01/positions/NOPE"
    ),
    "PUT /api/v1/organizations/{code}/positions/{position_code}": Route(
        "missing", "/api/v1/organizations/T01/positions/NOPE"
    ),
    "POST /api/v1/organizations/{code}/positions/{position_code}/end": Route(
        "post_only", "/api/v1/organizations/T01/positions/NOPE/end"
    ),
}
WEB_ARGS |= {
    "web:staffing": ["T01"],
    "web:quota_set": ["T01"],
    "web:job_position_new": ["T01"],
    "web:job_position": ["T01", "NOPE"],
    "web:job_position_change": ["T01", "NOPE"],
    "web:job_position_end": ["T01", "NOPE"],
}
COUNTS = {"nhaplieu", "quanly", "lanhdao", "thanhtra", "ngoai"}  # a reading duty somewhere
XLSX = importlib.util.find_spec("openpyxl") is not None

PERSONAS = ["nhaplieu", "quanly", "lanhdao", "thanhtra", "canbo", "quantri", "ngoai"]
# Target dossiers: in the clerk's department (T01.STC), elsewhere in the province (T01.XA),
# and the employee's own (T01.STC.NS).
TARGETS = ["own_unit", "other_unit", "self"]
GRANT_STATES = ["no_grant", "expired_grant", "revoked_grant", "active_grant"]
PROVINCE_WIDE = {"quanly", "lanhdao", "thanhtra"}
OVERSEERS = {"lanhdao", "thanhtra"}  # a leader's or an auditor's duty


def may_write(persona: str, target: str) -> bool:
    """A clerk's or records manager's duty over the dossier's unit (no grant gives one)."""
    return persona == "quanly" or (persona == "nhaplieu" and target in {"own_unit", "self"})


def may_read(persona: str, target: str, grant: str) -> bool:
    """The rule, one line per basis (see hoso.access.policies)."""
    if persona in PROVINCE_WIDE:
        return True
    if persona == "nhaplieu":
        return target in {"own_unit", "self"}  # the employee works in the clerk's department
    if persona == "canbo":
        return target == "self"
    if persona == "ngoai":
        return grant == "active_grant" and target == "own_unit"
    return False  # quantri reads no dossier


def web_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "web" and pattern.name:
                names.add(f"web:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def api_routes() -> set[str]:
    from hoso.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}


def test_every_endpoint_has_rows(db):
    assert web_routes() | api_routes() == set(ROUTES), (
        "Add the new endpoint to ROUTES with how it decides access."
    )


@pytest.fixture
def world(personas, make_dossier, orgs):
    # Graded for last year: the salary raise the writes register passes the eligibility engine.
    own = make_dossier(unit="T01.STC", full_name="Nguyễn Văn An", **eligible())
    other = make_dossier(unit="T01.XA", full_name="Trần Thị Bình", sex="F")
    mine = make_dossier(unit="T01.STC.NS", full_name="Lê Văn Cường")
    canbo = employee_account(mine, "canbo")
    return {
        "people": {"own_unit": own, "other_unit": other, "self": mine},
        "users": {**personas, "canbo": canbo},
    }


def give_grant(world, state: str) -> None:
    if state == "no_grant":
        return
    users = world["users"]
    start, end = today() - timedelta(days=10), today() + timedelta(days=10)
    if state == "expired_grant":
        start, end = today() - timedelta(days=30), today() - timedelta(days=1)
    issued = grant_issue(
        acting_user=users["quanly"],
        grantee=users["ngoai"],
        purpose="Thẩm định",
        document_number="9/QĐ",
        document_date=date(2026, 1, 5),
        signer="Chủ tịch",
        valid_from=start,
        valid_to=end,
        person_ids=[world["people"]["own_unit"].personal_id],
    )
    if state == "revoked_grant":
        grant_revoke(acting_user=users["quanly"], grant=issued, reason="Thu hồi")


def web_client(user) -> Client:
    return login(Client(), user)  # both steps: password, then the one-time code


def api_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(acting_user=None, user=user)}")


def url_for(name: str, route: Route, personal_id: str) -> tuple[str, bool]:
    if name.startswith("web:"):
        by_person = route.kind in {"dossier", "resume_web", "writer_dossier", "starter_dossier"}
        args = [personal_id, *WEB_ARGS.get(name, [])] if by_person else WEB_ARGS.get(name, [])
        return reverse(route.path, args=args), True
    return route.path.replace("{personal_id}", personal_id), False


def expected(route: Route, allowed: bool, persona: str, has_any: bool, target: str = "") -> int:
    if route.kind == "public":
        return 302  # the login page sends a logged-in user on
    if route.kind == "open":
        return 200
    if route.kind in {"page", "reference", "list"}:
        return 200
    if route.kind == "missing":
        return 404
    if route.kind == "dossier":
        return 200 if allowed else 404
    if route.kind == "writer":
        return 200 if persona in WRITERS else 404
    if route.kind == "writer_dossier":  # open it, and hold the duty to write it
        return 200 if allowed and may_write(persona, target) else 404
    if route.kind == "starter_dossier":  # open it, and hold the first step's duty (clerk)
        return 200 if allowed and persona == "nhaplieu" else 404
    if route.kind == "resume":
        return 409 if allowed and persona in SEES_RESUME else 404
    if route.kind == "resume_web":
        return 302 if allowed and persona in SEES_RESUME else 404
    if route.kind == "export_dossier":
        return 403 if allowed else 404  # no persona holds a grant that allows export
    if route.kind == "export_list":
        # An empty list exports nothing sensitive; no export id outside reading duties.
        return 403 if has_any or persona == "quantri" else 200
    if route.kind == "records_manager":
        return 200 if persona == "quanly" else 404
    if route.kind == "reviewer":  # the audit trail: auditors and records managers
        return 200 if persona in {"quanly", "thanhtra"} else 404
    if route.kind == "employee":  # their own consents and who read their dossier
        return 200 if persona == "canbo" else 404
    if route.kind in {"post_only", "open_post"}:
        return 405  # a GET changes nothing and tells nothing, whoever asks
    if route.kind == "missing":
        return 404
    if route.kind == "otp":
        return 302  # the code step sends a verified session on
    if route.kind == "admin":
        return 200 if persona == "quantri" else 404
    if route.kind == "stats":
        return 200 if persona in COUNTS else 403
    if route.kind == "stats_download":
        return (200 if XLSX else 503) if persona in COUNTS else 403
    if route.kind == "stats_province":
        return 200 if persona in PROVINCE_WIDE else 403
    if route.kind == "overseer":
        return 200 if persona in OVERSEERS else 403
    if route.kind == "hub_operator":
        return 403
    if route.kind == "admin_post":
        return 405 if persona == "quantri" else 404  # a GET; others learn nothing
    raise AssertionError(route.kind)


# Grants are issued to the officer of another agency; everyone else is checked without one.
CASES = [(p, "no_grant") for p in PERSONAS] + [("ngoai", g) for g in GRANT_STATES[1:]]


@pytest.mark.parametrize(("persona", "grant"), CASES)
def test_the_matrix(world, persona, grant):
    give_grant(world, grant)
    user = world["users"][persona]
    clients = {True: web_client(user), False: api_client(user)}
    readable = {t for t in TARGETS if may_read(persona, t, grant)}
    for name, route in ROUTES.items():
        if route.kind in {"logout", "post_only"}:
            continue  # writes are covered by their own tests (tests/changes, tests/access)
        for target in TARGETS:
            person = world["people"][target]
            url, is_web = url_for(name, route, person.personal_id)
            response = clients[is_web].get(url)
            want = expected(route, target in readable, persona, bool(readable), target)
            assert response.status_code == want, (name, persona, target, grant)
            if route.kind == "list":
                listed = person.personal_id in response.content.decode()
                assert listed == (target in readable), (name, persona, target, grant)
            if (
                route.kind
                in {"dossier", "list", "export_dossier", "writer_dossier", "starter_dossier"}
                and target not in readable
            ):
                assert person.full_name not in response.content.decode(), (name, persona, target)
            if route.kind not in {
                "dossier",
                "export_dossier",
                "list",
                "resume",
                "resume_web",
                "writer",
                "writer_dossier",
                "starter_dossier",
            }:
                break  # the target does not matter for this endpoint


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_requests_are_refused(world, name):
    route = ROUTES[name]
    url, is_web = url_for(name, route, world["people"]["own_unit"].personal_id)
    response = Client().get(url)
    if route.kind in {"public", "open"}:
        assert response.status_code == 200
    elif route.kind == "logout":
        assert response.status_code in {302, 405}
    elif (route.kind == "post_only" and not is_web) or route.kind == "open_post":
        assert response.status_code == 405  # and an anonymous POST gets 401 (tests/changes)
    elif is_web:
        assert response.status_code == 302 and reverse("web:login") in response["Location"]
    else:
        assert response.status_code == 401


# --- Writes to protected dossiers (issue 15, findings 1 and 8; R-SECRET, R-SPECIAL) ----------
# A dossier with a state-secret label or of the special category opens only by a written
# approval; a write to it passes the same gate as a read, plus the duty to write. Both
# dossiers sit in the clerk's own department, so only their protection refuses the clerk.

PROTECTED = ["secret", "special"]
MISSING_ID = "001085999999"  # well formed, nobody's
# Every write to a dossier, by the web and the API. Each takes the world and a target
# ("secret", "special" or "missing") and returns (is_web, method path, data, options).
WRITES = [
    "POST /api/v1/people/{personal_id}/components",
    "POST /api/v1/decisions",
    "POST /api/v1/decisions/preview",
    "POST /api/v1/people/{personal_id}/resume",
    "web:components",
    "web:component_move",
    "web:resume_sign",
    "web:discrepancy_report",
    "web:discrepancy_resolve",
    "web:changeset_approve",
    "web:changeset_reject",
    "web:finding_confirm",
    "web:finding_dismiss",
    "web:decision_new",
    "web:paper_loan_open",
    "web:paper_loan_return",
    "web:paper_loan_extend",
    "POST /api/v1/people/{personal_id}/paper-loans",
    "POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/return",
    "POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/extend",
    "POST /api/v1/changesets",
    "POST /api/v1/changesets/{changeset_id}/approve",
    "POST /api/v1/changesets/{changeset_id}/reject",
    "web:dossier_edit_section",
    "POST /api/v1/procedures",
    "web:procedure_start",
    "POST /api/v1/people/{personal_id}/handover",
]


# The change set pages turn away whoever is not a records manager before any dossier is
# looked at (nothing about one to record).
REVIEWS = {
    "web:changeset_approve",
    "web:changeset_reject",
    "POST /api/v1/changesets/{changeset_id}/approve",
    "POST /api/v1/changesets/{changeset_id}/reject",
}


def _grant_by_ids(grantee, approver, person_ids: list[str]):
    """A written approval opening protected dossiers to `grantee`. Recorded as a row: which
    approval level a label needs is tests/access/test_grants.py's subject, not this one's."""
    from hoso.access.models import AccessGrant, Sensitivity

    return AccessGrant.objects.create(
        grantee=grantee,
        person_ids=person_ids,
        ceiling=Sensitivity.SECRET_CANDIDATE,
        secret_ceiling="mat",
        covers_special=True,
        purpose="Thẩm định hồ sơ mật",
        document_number="12/QĐ-BTV",
        document_date=date(2026, 1, 5),
        signer="Bí thư Tỉnh ủy",
        approval_level="tham_quyen_tuyet_mat",
        valid_from=today() - timedelta(days=10),
        valid_to=today() + timedelta(days=10),
        approved_by=approver,
    )


@pytest.fixture
def protected(personas, make_dossier, orgs, settings, tmp_path_factory):
    """A secret and a special-category dossier in the clerk's department, each with what the
    writes act on (a scan, a proposal, a discrepancy, a finding), made by a clerk of the same
    department who holds the written approval (the only one who may)."""
    from django.utils import timezone

    from hoso.access.models import Role
    from hoso.access.services import role_assign, user_create
    from hoso.changes.services.changesets import changeset_propose
    from hoso.changes.services.discrepancies import discrepancy_report
    from hoso.documents.models import ConsistencyFinding
    from hoso.documents.services.components import component_add

    settings.HOSO_STORAGE_DIR = tmp_path_factory.mktemp("hoso-files")
    people = {
        "secret": make_dossier(full_name="Đặng Văn Mật", protection={"secret_label": "mat"}),
        "special": make_dossier(full_name="Võ Thị Diện", protection={"special_category": True}),
    }
    approved = user_create(
        acting_user=None, username="nhaplieu_mat", password=PASSWORD, full_name="Nhập liệu mật"
    )
    role_assign(
        acting_user=None,
        user=approved,
        role=Role.CLERK,
        organization=orgs["finance"],
        valid_from=date(2025, 7, 1),
    )
    _grant_by_ids(approved, personas["quanly"], [p.personal_id for p in people.values()])
    made = {}
    for key, person in people.items():
        pid = person.personal_id
        scan = component_add(
            acting_user=approved,
            personal_id=pid,
            kind="birth_certificate",
            title=f"Giấy khai sinh {person.full_name}",
            filename="khai-sinh.jpg",
            content=[_jpeg()],
        )
        finding = ConsistencyFinding.objects.create(
            component=scan,
            personal_id=pid,
            field="identity.full_name",
            section="identity",
            dossier_value=person.full_name,
            scanned_value="Đặng Văn Mặt",
            found_at=timezone.now(),
        )
        proposal = changeset_propose(
            acting_user=approved,
            personal_id=pid,
            operations=[{"op": "set", "section": "identity", "values": {"phone": "0987654321"}}],
            source_kind="decision",
            source_note="Quyết định 1/QĐ",
        )
        found = discrepancy_report(
            acting_user=approved,
            personal_id=pid,
            sections=["identity"],
            paper_says="Số điện thoại khác",
        )
        made[key] = {
            "person": person,
            "component": scan,
            "finding": finding,
            "changeset": proposal,
            "discrepancy": found,
            "loan": _open_loan(pid, personas["quanly"]),
        }
    return made


def _open_loan(personal_id: str, recorder):
    """A loan of the paper dossier, recorded as a row: a records manager's duty never opens a
    protected dossier, so none could have lent it through the service."""
    from django.utils import timezone

    from hoso.documents.models import PaperLoan

    return PaperLoan.objects.create(
        personal_id=personal_id,
        borrower_name="Trần Văn Mượn",
        borrower_unit="Ban Tổ chức Tỉnh ủy",
        purpose="Thẩm tra",
        approver_name="Phạm Văn Duyệt",
        approval_number="45/QĐ",
        approval_date=today() - timedelta(days=5),
        out_date=today() - timedelta(days=5),
        due_date=today() + timedelta(days=5),
        recorded_by=recorder,
        recorded_at=timezone.now(),
    )


LOAN_FORM = {
    "borrower_kind": "external",
    "borrower_name": "Lê Thị Khác",
    "borrower_unit": "Sở Nội vụ",
    "purpose": "Thẩm tra",
    "approver_name": "Phạm Văn Duyệt",
    "approval_number": "46/QĐ",
    "approval_date": "01/02/2026",
    "out_date": "02/02/2026",
    "due_date": "02/03/2026",
    "extent": "whole",
}
LOAN_BODY = {
    "borrower_name": "Lê Thị Khác",
    "borrower_unit": "Sở Nội vụ",
    "purpose": "Thẩm tra",
    "approver_name": "Phạm Văn Duyệt",
    "approval_number": "46/QĐ",
    "approval_date": "2026-02-01",
    "out_date": "2026-02-02",
    "due_date": "2026-03-02",
}


def _jpeg() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 240, 160), fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _write(client: Client, name: str, target: dict | None):
    """Send the write `name` to the protected dossier of `target`, or to a missing one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    pid = target["person"].personal_id if target else MISSING_ID

    def pk(what: str) -> int:
        return target[what].pk if target else 999999

    if name == "POST /api/v1/people/{personal_id}/components":
        data = {"kind": "birth_certificate", "title": "Giấy khai sinh"}
        data["file"] = SimpleUploadedFile("ks.jpg", _jpeg(), content_type="image/jpeg")
        return client.post(f"/api/v1/people/{pid}/components", data)
    if name in {"POST /api/v1/decisions", "POST /api/v1/decisions/preview"}:
        body = {
            "decision_type": "salary_raise_regular",
            "number": "305/QĐ-STC",
            "signed_date": "2026-02-12",
            "issuer": "Sở Tài chính",
            "received_date": "2026-02-13",
            "effective_date": "2026-02-13",
            "personal_id": pid,
        }
        path = name.removeprefix("POST ")
        return client.post(path, body, content_type="application/json")
    if name == "POST /api/v1/people/{personal_id}/resume":
        return client.post(f"/api/v1/people/{pid}/resume")
    if name == "web:components":
        upload = SimpleUploadedFile("ks.jpg", _jpeg(), content_type="image/jpeg")
        data = {"kind": "birth_certificate", "title": "Giấy khai sinh", "file": upload}
        return client.post(reverse(name, args=[pid]), data)
    if name == "web:component_move":
        return client.post(reverse(name, args=[pk("component")]), {"position": 1})
    if name == "web:resume_sign":
        return client.post(reverse(name, args=[pid]))
    if name == "web:discrepancy_report":
        data = {"sections": ["identity"], "paper_says": "Khác", "evidence": ""}
        return client.post(reverse(name, args=[pid]), data)
    if name == "web:discrepancy_resolve":
        return client.post(reverse(name, args=[pk("discrepancy")]), {"note": "Đã đối chiếu"})
    if name == "web:changeset_approve":
        return client.post(reverse(name, args=[pk("changeset")]))
    if name == "web:changeset_reject":
        return client.post(reverse(name, args=[pk("changeset")]), {"reason": "Không đúng"})
    if name == "POST /api/v1/changesets":
        body = {
            "personal_id": pid,
            "operations": [{"op": "set", "section": "identity", "values": {"phone": "0911000222"}}],
            "source_kind": "decision",
        }
        return client.post("/api/v1/changesets", body, content_type="application/json")
    if name == "POST /api/v1/changesets/{changeset_id}/approve":
        return client.post(f"/api/v1/changesets/{pk('changeset')}/approve")
    if name == "POST /api/v1/changesets/{changeset_id}/reject":
        body = {"reason": "Không đúng"}
        path = f"/api/v1/changesets/{pk('changeset')}/reject"
        return client.post(path, body, content_type="application/json")
    if name == "POST /api/v1/people/{personal_id}/handover":
        body = {"to_node": "tinh-b"}
        path = f"/api/v1/people/{pid}/handover"
        return client.post(path, body, content_type="application/json")
    if name == "POST /api/v1/procedures":
        body = {"procedure_type": "appointment", "personal_id": pid, "params": {}}
        return client.post("/api/v1/procedures", body, content_type="application/json")
    if name == "web:procedure_start":
        data = {"loai": "appointment", "p_position_code": "deputy_director_so"}
        return client.post(reverse(name, args=[pid]), data)
    if name == "web:dossier_edit_section":
        data = {"action": "save", "phone": "0911000222", "full_name": "X", "base_version": 0}
        return client.post(reverse(name, args=[pid, "identity"]), data)
    if name in {"web:finding_confirm", "web:finding_dismiss"}:
        return client.post(reverse(name, args=[pk("finding")]), {"reason": "Sai", "note": ""})
    if name == "web:decision_new":
        upload = SimpleUploadedFile("qd.jpg", _jpeg(), content_type="image/jpeg")
        data = {
            "decision_type": "salary_raise_regular",
            "number": "306/QĐ-STC",
            "issuer": "Sở Tài chính",
            "signed_date": "12/02/2026",
            "received_date": "13/02/2026",
            "effective_date": "13/02/2026",
            "action": "save",
            "scan": upload,
        }
        return client.post(reverse(name, args=[pid]), data)
    if name == "web:paper_loan_open":
        return client.post(reverse(name, args=[pid]), LOAN_FORM)
    if name == "web:paper_loan_return":
        data = {"returned_on": today().strftime("%d/%m/%Y"), "condition": "Đủ"}
        return client.post(reverse(name, args=[pk("loan")]), data)
    if name == "web:paper_loan_extend":
        data = {"due_date": (today() + timedelta(days=30)).strftime("%d/%m/%Y"), "reason": "Lại"}
        return client.post(reverse(name, args=[pk("loan")]), data)
    if name == "POST /api/v1/people/{personal_id}/paper-loans":
        return client.post(
            f"/api/v1/people/{pid}/paper-loans", LOAN_BODY, content_type="application/json"
        )
    if name.startswith("POST /api/v1/people/{personal_id}/paper-loans/{loan_id}/"):
        action = name.rsplit("/", 1)[1]
        body = (
            {"returned_on": today().isoformat(), "condition": "Đủ"}
            if action == "return"
            else {"due_date": (today() + timedelta(days=30)).isoformat(), "reason": "Lại"}
        )
        return client.post(
            f"/api/v1/people/{pid}/paper-loans/{pk('loan')}/{action}",
            body,
            content_type="application/json",
        )
    raise AssertionError(name)


def _stored(made: dict) -> dict:
    """Everything a write to the protected dossiers could have left behind."""
    from hoso.changes.models import ChangeSet, Discrepancy, Obligation, PersonnelDecision
    from hoso.documents.models import Component, ConsistencyFinding, PaperLoan, SignedResume
    from hoso.procedures.models import Procedure

    ids = [m["person"].personal_id for m in made.values()] + [MISSING_ID]
    return {
        "components": sorted(
            Component.objects.filter(personal_id__in=ids).values_list("pk", "position")
        ),
        "changesets": sorted(
            ChangeSet.objects.filter(personal_id__in=ids).values_list("pk", "status")
        ),
        "decisions": PersonnelDecision.objects.filter(personal_id__in=ids).count(),
        "obligations": Obligation.objects.filter(personal_id__in=ids).count(),
        "discrepancies": sorted(
            Discrepancy.objects.filter(personal_id__in=ids).values_list("pk", "status")
        ),
        "findings": sorted(
            ConsistencyFinding.objects.filter(personal_id__in=ids).values_list("pk", "status")
        ),
        "resumes": SignedResume.objects.filter(personal_id__in=ids).count(),
        "procedures": Procedure.objects.filter(personal_id__in=ids).count(),
        "loans": sorted(
            PaperLoan.objects.filter(personal_id__in=ids).values_list(
                "pk", "returned_on", "due_date"
            )
        ),
    }


def _leaks(response, made_one: dict) -> list[str]:
    """What of the protected dossier a response shows: its name, its scan's title, the number
    of its scans (its unit is the writer's own here: the byte-for-byte test below covers it)."""
    text = response.content.decode(errors="replace")
    told = [made_one["person"].full_name, made_one["component"].title, "số tài liệu"]
    return [t for t in told if t in text]


def test_the_write_rows_cover_every_write_endpoint():
    """Every write endpoint of the matrix (those it skips as POST-only, and the upload) has a
    row here, so a new write cannot escape the protected-dossier rows."""
    posts = {name for name, route in ROUTES.items() if route.kind in {"post_only", "open_post"}}
    # Pages that show a form and take its POST at the same address.
    posts |= {"POST /api/v1/people/{personal_id}/components", "web:components"}
    posts |= {"web:discrepancy_report", "web:self_correction", "web:decision_new"}
    posts |= {"POST /api/v1/people/{personal_id}/paper-loans", "POST /api/v1/procedures"}
    posts |= {"web:entry_start", "web:entry_draft", "web:entry_section"}
    posts |= {"web:dossier_edit_section", "web:self_correction_section"}
    posts |= {"web:procedure_start"}
    not_dossier_writes = {
        "web:self_correction",  # names no dossier: always the account's own
        "web:self_correction_section",
        # A new dossier: an id that has one is refused saying only "đã có hồ sơ trên hệ
        # thống" (issue 10: one dossier per id; tests/web/test_entry_pages.py).
        "web:entry_start",
        # The account's own drafts: anyone else's is the 404 of a missing one; a draft on an
        # existing dossier is begun only through web:dossier_edit_section (a row below).
        "web:entry_draft",
        "web:entry_section",
        "web:grant_revoke",  # grants: tests/access/test_grants.py
        "web:consent_give",  # the person's own consent
        "web:consent_withdraw",
        "web:self_consent_withdraw",  # the person's own consent, from their home
        "web:my_token_revoke",  # the account's own API tokens
        "web:audit_export",  # reads of the audit trail
        "web:alert_acknowledge",
        "web:transparency_feedback",  # a citizen's rating of a unit: names no dossier
        # A step acts on a procedure, started only through the write gate (a row above), and
        # passes the dossier gate again before its duty (tests/procedures/).
        "POST /api/v1/procedures/{procedure_id}/steps",
        "POST /api/v1/procedures/{procedure_id}/documents",
        "web:procedure_step",
        # Staffing (structure, no dossier): tests/access/test_authorization_matrix_staffing.py
        "web:job_position_end",
        "PUT /api/v1/organizations/{code}/quotas/{year}/{staff_category}",
        "POST /api/v1/organizations/{code}/positions/{position_code}/end",
        # A batch of imports: each dossier's approval passes the write path's own checks
        # (tests/exchange/test_import_*.py); the page is the records manager's only.
        "web:import_batch_approve",
        # A carried hand-over package brings a dossier this node does not hold yet; it enters
        # through the archive import's write gate (tests/federation/test_transfer_decision.py).
        "POST /api/v1/handovers/{handover_id}/accept",
    }
    assert posts - not_dossier_writes == set(WRITES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_writes_to_a_protected_dossier_and_none_learns_it_exists(
    world, protected, persona
):
    """R-SECRET, R-SPECIAL: each write endpoint × persona × protected dossier answers 404,
    shows nothing of the dossier, stores nothing and is audited as a denied read."""
    from hoso.audit.models import AuditAction, AuditEvent

    user = world["users"][persona]
    clients = {True: web_client(user), False: api_client(user)}
    before = _stored(protected)
    for name in WRITES:
        for key in PROTECTED:
            denials = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_DENIED).count()
            response = _write(clients[name.startswith("web:")], name, protected[key])
            assert response.status_code == 404, (name, persona, key, response.content[:300])
            assert not _leaks(response, protected[key]), (name, persona, key)
            after = AuditEvent.objects.filter(action=AuditAction.DOSSIER_READ_DENIED).count()
            if not (name in REVIEWS and persona != "quanly"):
                assert after > denials, (name, persona, key)  # the refusal is on the record
    assert _stored(protected) == before


def _same_page(response) -> bytes:
    """A page without what differs on every render (the masked CSRF token, the CSP nonce)."""
    import re

    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    return re.sub(rb'nonce="[^"]+"', b"", body)


@pytest.mark.parametrize("persona", ["nhaplieu", "quanly", "thanhtra", "ngoai"])
def test_a_refused_write_answers_byte_for_byte_like_a_write_to_a_missing_dossier(
    world, protected, persona, settings
):
    # Every refusal here is a denial on the record; an alert raised between two requests
    # would change the page's header, not the answer (alerts: tests/access/test_alerts.py).
    settings.HOSO_ALERT_DENIALS = 10**6
    user = world["users"][persona]
    clients = {True: web_client(user), False: api_client(user)}
    for name in WRITES:
        client = clients[name.startswith("web:")]
        missing = _write(client, name, None)
        assert missing.status_code == 404, (name, missing.content[:300])
        for key in PROTECTED:
            refused = _write(client, name, protected[key])
            assert refused.status_code == missing.status_code, (name, key)
            assert refused["Content-Type"] == missing["Content-Type"], (name, key)
            if name.startswith("web:"):
                assert _same_page(refused) == _same_page(missing), (name, key)
            else:
                assert refused.content == missing.content, (name, key)


def test_the_same_writes_go_through_on_a_dossier_the_clerk_may_open(world, protected):
    """The control of the rows above: the requests are well formed, the gate lets a writer
    with the duty through, and a clerk with the written approval writes a protected dossier."""
    from hoso.changes.models import Obligation

    person = world["people"]["own_unit"]
    clerk = api_client(world["users"]["nhaplieu"])
    target = {"person": person}
    added = _write(clerk, "POST /api/v1/people/{personal_id}/components", target)
    assert added.status_code == 201, added.content
    decided = _write(clerk, "POST /api/v1/decisions", target)
    assert decided.status_code == 201, decided.content
    assert (
        decided.json()["changeset"]
        and Obligation.objects.filter(personal_id=person.personal_id).exists()
    )
    approved = api_client(_account("nhaplieu_mat"))
    for key in PROTECTED:
        shown = _write(approved, "POST /api/v1/people/{personal_id}/components", protected[key])
        assert shown.status_code == 201, shown.content


def _account(username: str):
    from hoso.access.models import User

    return User.objects.get(username=username)


def test_the_audit_trail_of_a_protected_dossier_shows_only_under_the_grant_that_opens_it(
    world, make_dossier
):
    """Issue 15, finding 8 (R-SECRET, R-SPECIAL): outsiders' and staff's denied reads of a
    protected dossier would tell an auditor without the written approval that it exists. The
    auditor sees them — on every page of the trail and in its export — only while holding the
    approval that would let them open the dossier."""
    from django.utils import timezone

    users = world["users"]
    secret = make_dossier(full_name="Đặng Văn Mật", protection={"secret_label": "mat"})
    special = make_dossier(full_name="Võ Thị Diện", protection={"special_category": True})
    hidden = [secret.personal_id, special.personal_id]
    for who in ("ngoai", "nhaplieu"):
        reader = api_client(users[who])
        for pid in hidden:
            assert reader.get(f"/api/v1/people/{pid}").status_code == 404
    # A leader holding the approval finds the secret dossier: the search's record lists it.
    _grant_by_ids(users["lanhdao"], users["quanly"], [secret.personal_id])
    found = api_client(users["lanhdao"]).get("/api/v1/people", {"q": "Đặng Văn Mật"}).json()
    assert secret.personal_id in str(found)
    auditor = web_client(users["thanhtra"])

    def trail() -> dict[str, str]:
        pages = {
            "person": auditor.get(reverse("web:audit_person", args=[secret.personal_id])),
            "special": auditor.get(reverse("web:audit_person", args=[special.personal_id])),
            "events": auditor.get(reverse("web:audit_events")),
            "staff": auditor.get(reverse("web:audit_user", args=["nhaplieu"])),
            "outsider": auditor.get(reverse("web:audit_user", args=["ngoai"])),
            "export": auditor.post(reverse("web:audit_export")),
        }
        assert {r.status_code for r in pages.values()} == {200}
        return {k: r.content.decode("utf-8-sig") for k, r in pages.items()}

    def rows_of(pid: str, text: str) -> bool:
        """Whether an event about `pid` is listed: a row's link (pages) or cell (the CSV)."""
        link = f'href="{reverse("web:audit_person", args=[pid])}">{pid}</a>'
        return link in text or f",{pid}," in text

    shown = trail()
    for page, text in shown.items():
        for pid in hidden:
            assert not rows_of(pid, text), (page, pid)
    assert "Không có sự kiện nào" in shown["person"] and "Không có sự kiện nào" in shown["special"]
    assert not {pid for pid in hidden if pid in shown["export"]}  # not even in a search's list
    # Under the approval that opens the secret dossier, its trail shows, the special one's not.
    grant = _grant_by_ids(users["thanhtra"], users["quanly"], [secret.personal_id])
    grant.covers_special = False
    grant.save()
    shown = trail()
    assert reverse("web:audit_user", args=["ngoai"]) in shown["person"]
    assert reverse("web:audit_user", args=["nhaplieu"]) in shown["person"]
    assert rows_of(secret.personal_id, shown["export"])
    assert rows_of(secret.personal_id, shown["staff"])
    assert rows_of(secret.personal_id, shown["outsider"])
    for text in shown.values():
        assert not rows_of(special.personal_id, text)
    # A revoked approval opens nothing, in the trail either.
    grant.revoked_at = timezone.now()
    grant.save()
    assert reverse("web:audit_user", args=["ngoai"]) not in trail()["person"]
