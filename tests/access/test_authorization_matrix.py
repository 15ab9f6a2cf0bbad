"""Every page and API operation × every persona × scope (issue: security, "Done when").

`ROUTES` must name every URL of the web app and every operation of the API: adding an
endpoint without rows here fails `test_every_endpoint_has_rows`. Each row says how the
endpoint decides; the matrix then checks every persona against every scope:
own unit, other unit, own dossier, and for an officer of another agency no grant, an expired
grant, a revoked grant and an active grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import employee_account, login
from hoso.access.services import grant_issue, grant_revoke, token_create
from hoso.core.dates import today


@dataclass(frozen=True)
class Route:
    kind: str  # public | page | dossier | list | export_list | export_dossier | reference
    path: str = ""  # API path template, or web URL name


ROUTES: dict[str, Route] = {
    "web:login": Route("public", "web:login"),
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
    "GET /api/v1/obligations/counts": Route("page", "/api/v1/obligations/counts"),
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
WEB_ARGS |= {
    "web:component_status": [999999],
    "web:component_copy": [999999],
    "web:component_move": [999999],
    "web:finding_confirm": [999999],
    "web:finding_dismiss": [999999],
    "web:resume_sign": ["001085012345"],
}

PERSONAS = ["nhaplieu", "quanly", "lanhdao", "thanhtra", "canbo", "quantri", "ngoai"]
# Target dossiers: in the clerk's department (T01.STC), elsewhere in the province (T01.XA),
# and the employee's own (T01.STC.NS).
TARGETS = ["own_unit", "other_unit", "self"]
GRANT_STATES = ["no_grant", "expired_grant", "revoked_grant", "active_grant"]
PROVINCE_WIDE = {"quanly", "lanhdao", "thanhtra"}


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
    own = make_dossier(unit="T01.STC", full_name="Nguyễn Văn An")
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
        by_person = route.kind in {"dossier", "resume_web"}
        args = [personal_id] if by_person else WEB_ARGS.get(name, [])
        return reverse(route.path, args=args), True
    return route.path.replace("{personal_id}", personal_id), False


def expected(route: Route, allowed: bool, persona: str, has_any: bool) -> int:
    if route.kind == "public":
        return 302  # the login page sends a logged-in user on
    if route.kind in {"page", "reference", "list"}:
        return 200
    if route.kind == "missing":
        return 404
    if route.kind == "dossier":
        return 200 if allowed else 404
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
    if route.kind == "post_only":
        return 405  # a GET changes nothing and tells nothing, whoever asks
    if route.kind == "missing":
        return 404
    if route.kind == "otp":
        return 302  # the code step sends a verified session on
    if route.kind == "admin":
        return 200 if persona == "quantri" else 404
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
            want = expected(route, target in readable, persona, bool(readable))
            assert response.status_code == want, (name, persona, target, grant)
            if route.kind == "list":
                listed = person.personal_id in response.content.decode()
                assert listed == (target in readable), (name, persona, target, grant)
            if route.kind in {"dossier", "list", "export_dossier"} and target not in readable:
                assert person.full_name not in response.content.decode(), (name, persona, target)
            if route.kind not in {"dossier", "export_dossier", "list", "resume", "resume_web"}:
                break  # the target does not matter for this endpoint


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_requests_are_refused(world, name):
    route = ROUTES[name]
    url, is_web = url_for(name, route, world["people"]["own_unit"].personal_id)
    response = Client().get(url)
    if route.kind == "public":
        assert response.status_code == 200
    elif route.kind == "logout":
        assert response.status_code in {302, 405}
    elif route.kind == "post_only" and not is_web:
        assert response.status_code == 405  # and an anonymous POST gets 401 (tests/changes)
    elif is_web:
        assert response.status_code == 302 and reverse("web:login") in response["Location"]
    else:
        assert response.status_code == 401
