"""The whole API under generated requests (schemathesis, fixed seed): no input gives a server
error, every response conforms to the OpenAPI (status codes, content types, bodies, headers),
what the schema calls invalid is refused and what it calls valid is accepted (issue 15.6).

Requests go to the node's WSGI application in this process, with the bearer tokens of the
demo's personas in turn (records manager, clerk, leader, auditor, administrator, an outsider's
clerk, an employee), over dossiers that exist, so that both the allowed and the refused paths
run. Per-case data written by the run (decisions, signed résumés) is flushed with the test.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

SEED = 20261206
MIN_CASES = 1000  # the floor for one run
CASES_PER_OPERATION = 30  # fuzzing examples per operation; examples and coverage cases add more

# A schema-valid request may still be refused for what JSON Schema cannot state: a code missing
# from a catalog or the organization tree, two fields that contradict each other, a date outside
# the API's range (no date bounds in JSON Schema), a file that is no real scan. Those come from
# the services (their own error codes) or as `date_out_of_range`. A refusal by the request
# parser for anything else means the OpenAPI promises what the API does not accept: a failure.
PARSER_REFUSAL = "invalid_request"
UNSTATABLE_IN_SCHEMA = {"date_out_of_range"}
# Codes handlers give for malformed syntax: a schema-valid request must never earn one.
SYNTAX_CODES = {"bad_date", "bad_number", "bad_as_of", "bad_choice", "bad_page", "out_of_range"}


@schemathesis.check
def valid_requests_pass_the_parser(ctx, response, case):
    """Schemathesis' `positive_data_acceptance`, with domain refusals told apart (see above)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    error = json.loads(response.content)["error"]
    problems = error["problems"]
    if error["code"] == PARSER_REFUSAL:
        wrong = [
            p
            for p in problems
            if p["type"] not in UNSTATABLE_IN_SCHEMA
            # A zero-byte file part is dropped by Django's multipart parser: "missing".
            and not (p["loc"][:1] == ["file"] and p["type"] == "missing")
        ]
    else:
        wrong = [p for p in problems if p["code"] in SYNTAX_CODES]
    if wrong:
        raise AssertionError(f"Yêu cầu hợp lệ theo OpenAPI bị từ chối: {wrong}")
    return None


@pytest.fixture
def fuzz_node(personas_committed, orgs_committed, signing_keys, settings):
    """Committed data (the run's requests use their own database connection): the personas,
    two dossiers, the employee of the first, a token each, and the node's seal key."""
    from conftest import dossier, employee_account
    from hoso.access.services import token_create
    from hoso.demo.pki import DemoSigner, demo_pki_ensure
    from hoso.documents import stamping
    from hoso.people.services import dossier_create
    from hoso.signing.keys import KeyAlgorithm

    demo_pki_ensure(
        [DemoSigner(stamping.SEAL_USERNAME, stamping.SEAL_NAME, "Cơ quan thử nghiệm")],
        directory=signing_keys,
        key_algorithm=KeyAlgorithm.EC_P256,
    )
    people = [
        dossier_create(acting_user=None, data=dossier()),
        dossier_create(acting_user=None, data=dossier(full_name="Đặng Thị Hoa", sex="F")),
    ]
    accounts = {**personas_committed, "canbo": employee_account(people[0], "canbo")}
    return {
        "tokens": [token_create(acting_user=None, user=u) for u in accounts.values()],
        "personal_ids": [p.personal_id for p in people],
        "units": [o.code for o in orgs_committed.values()],
    }


def _config(node: dict) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "workers": 1,
            "continue-on-failure": True,
            "generation": {"max-examples": CASES_PER_OPERATION, "database": "none"},
            "checks": {"positive_data_acceptance": {"enabled": False}},
            # Existing people and units half of the time, so that reads and writes get past
            # the 404 as well as into it.
            "dictionaries": {
                "personal_ids": {"values": node["personal_ids"]},
                "units": {"values": node["units"]},
            },
            "parameters": {
                "path.personal_id": {"dictionary": "personal_ids", "probability": 0.5},
                "body.personal_id": {"dictionary": "personal_ids", "probability": 0.5},
                "path.code": {"dictionary": "units", "probability": 0.5},
                "query.unit": {"dictionary": "units", "probability": 0.5},
                "query.root": {"dictionary": "units", "probability": 0.5},
            },
        }
    )


def _failures(event: events.ScenarioFinished) -> list[str]:
    found = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status == Status.FAILURE and check.failure_info is not None:
                info = check.failure_info
                response = event.recorder.find_response(case_id=case_id)
                body = response.content[:400] if response is not None else b""
                found.append(
                    f"{event.label} [{check.name}] {info.failure.title}: "
                    f"{info.failure.message[:400]}\n    {info.code_sample[:600]}\n    → {body!r}"
                )
    return found


@pytest.fixture
def in_process_transport(monkeypatch):
    """schemathesis 4.32.5 hands socket-level options (`max_redirects`, …) to werkzeug's test
    client when a check re-sends a request without a session, which werkzeug refuses; they mean
    nothing in-process, so they are dropped (as schemathesis itself does with a session)."""
    from schemathesis.transport.wsgi import WSGITransport

    send = WSGITransport.send

    def without_socket_options(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", without_socket_options)


def test_generated_requests_get_no_server_error_and_conform_to_the_openapi(
    fuzz_node, in_process_transport, capsys
):
    """R-LAYERS, R-CLEAN: a fixed-seed schemathesis run over every operation, at least 1,000
    requests, all checks on (server errors, status codes, content types, response schemas and
    headers, negative data refused, authentication not ignored, unsupported methods)."""
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    requests = []

    def node(environ, start_response):
        # The test client of schemathesis sets no client address; the node admits loopback.
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        requests.append(environ["PATH_INFO"])
        return app(environ, start_response)

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", node, config=_config(fuzz_node))
    tokens = itertools.cycle(fuzz_node["tokens"])

    class PersonaTokens:
        """Each case as the next persona (deterministic order)."""

        def get(self, case, context):
            return next(tokens)

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    schema.auth(refresh_interval=None)(PersonaTokens)
    operations = {r.ok().label for r in schema.get_all_operations()}

    started = time.monotonic()
    failures, errors, tested = [], [], set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            failures += _failures(event)
            if event.status != Status.SKIP and event.label:
                tested.add(event.label)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            where = f"{getattr(event, 'phase', '')} {getattr(event, 'label', '')}"
            errors.append(f"{where}: {event.info.format()[:1500]}")
    elapsed = time.monotonic() - started
    with capsys.disabled():
        summary = f"{len(requests)} requests, {len(operations)} operations, {elapsed:.0f}s"
        print(f"\nschemathesis: {summary}")

    assert not errors, "\n".join(errors)
    assert not failures, "\n".join(sorted(set(failures)))
    assert tested == operations
    assert len(requests) >= MIN_CASES
