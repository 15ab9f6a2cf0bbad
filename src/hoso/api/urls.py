"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI, Swagger

from hoso.api import (
    calendar,
    catalogs,
    changes,
    changesets,
    completeness,
    components,
    documents,
    eligibility,
    errors,
    handover,
    identity,
    lending,
    orgs,
    people,
    procedures,
    stats,
)
from hoso.api.auth import AUTH

api = NinjaAPI(
    title="hoso API",
    version="1",
    description="Hồ sơ điện tử cán bộ, công chức, viên chức — API v1",
    auth=AUTH,
    urls_namespace="api-v1",
    parser=errors.StrictParser(),
    # The node serves Swagger UI itself (`ninja` in INSTALLED_APPS: its bundled static files),
    # allowed by its CSP and reachable on a closed network; no validator badge calling out.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
for module in (
    people,
    identity,
    catalogs,
    orgs,
    calendar,
    changes,
    changesets,
    completeness,
    components,
    documents,
    stats,
    lending,
    procedures,
    eligibility,
    handover,
):
    api.add_router("", module.router)
