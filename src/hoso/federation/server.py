"""The hub's HTTPS service: mutual TLS, a plain WSGI app over the hub's services.

The standard library's threaded ``wsgiref`` server, as the population simulator uses
(docs/decisions/0019), wrapped in ``ssl`` with client certificates *required*: a client
without a certificate issued by the federation's CA does not complete the handshake, and one
whose certificate is not a registered node's is refused `unknown_node` (403). The handshake is
done in the request's thread, so a slow client never holds the accept loop.

    POST /packets            {"head": N, "packets": [{"body": {...}, "signature": b64}, ...]}
                             → {"ack": {...}, "signature": b64}: the hub's signed ack
    POST /claims             {"personal_id": ...} → 200, or 409 `managed_elsewhere`
                             {"personal_ids": [...]} (≤ 1,000, a bulk creation): all taken
                             → 200, or none and 409 naming the first managed elsewhere
    POST /handovers          {"manifest": {...}, "signature": b64} → 200 moved/duplicate, or
                             409 with the refusal's code (`handover_not_managed`, …)
    GET  /handovers/<id>     a hand-over the hub moved: from, to, when (404 if none)
    GET  /registry/<id>      the managing node, its agency and the basic information
    GET  /nodes              each node's lag (R-LIVE)
    GET  /statistics         national counts over the basic information (no names)
    GET  /health

`pages` is the other listener of the same process: the operators' pages (`/quoc-gia/…`, the
whole Django site behind its two-step login) over plain HTTP on a port of their network,
since a browser has no federation client certificate (docs/decisions/0020, "Operators' pages").
"""

from __future__ import annotations

import base64
import json
import ssl
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.db import connections
from django.utils import timezone

from hoso.core.errors import DomainError
from hoso.federation import keys, packets, refusals, selectors
from hoso.federation.services import handover, hub
from hoso.signing.canonical import canonical

MAX_BODY = 64 * 1024 * 1024

Start = Callable[..., Any]


def _answer(start: Start, status: str, body: Any) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start(status, [("Content-Type", "application/json; charset=utf-8")])
    return [data]


def _refusal(start: Start, status: str, code: str, **details: Any) -> list[bytes]:
    return _answer(start, status, {"code": code, "message": refusals.message(code, **details)})


def _claims(start: Start, node_id: str, ids: Any) -> list[bytes]:
    """A bulk creation's claims, all or none (`hub.claims`)."""
    if not isinstance(ids, list) or not all(isinstance(pid, str) for pid in ids):
        return _refusal(
            start, "400 Bad Request", "malformed_packet", detail="danh sách số định danh sai"
        )
    try:
        foreign = hub.claims(node_id=node_id, personal_ids=ids)
    except DomainError as exc:
        return _answer(start, "400 Bad Request", exc.as_dict())
    if foreign is not None:
        return _refusal(
            start,
            "409 Conflict",
            "managed_elsewhere",
            personal_id=foreign.personal_id,
            agency=selectors.agency(foreign.node_id),
        )
    return _answer(start, "200 OK", {"node": node_id, "claimed": len(set(ids))})


def application(paths: keys.Paths) -> Callable[[dict[str, Any], Start], list[bytes]]:
    signer = keys.signer(paths)

    def ack(node_id: str, batch: hub.Batch) -> dict[str, Any]:
        body = {
            "format": packets.ACK_FORMAT,
            "node": node_id,
            "results": batch.results,
            "last_seq": batch.node.last_seq,
            "last_hash": batch.node.last_hash,
            "at": timezone.now().isoformat(timespec="seconds"),
        }
        signature = signer.sign(canonical(body))  # once per batch
        return {"ack": body, "signature": base64.b64encode(signature.der).decode("ascii")}

    def route(environ: dict[str, Any], start: Start) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/health":
            return _answer(start, "200 OK", {"status": "ok"})
        node = selectors.node_for_certificate(environ.get("hoso.peer_certificate"))
        if node is None:
            return _refusal(start, "403 Forbidden", "unknown_node")
        if path == "/nodes" and method == "GET":
            return _answer(start, "200 OK", {"nodes": selectors.lag()})
        if path == "/statistics" and method == "GET":
            return _answer(start, "200 OK", selectors.statistics())
        if path.startswith("/registry/") and method == "GET":
            pid = path.removeprefix("/registry/")
            entry = selectors.registry_get(pid)
            if entry is None:
                return _refusal(start, "404 Not Found", "not_registered", personal_id=pid)
            return _answer(start, "200 OK", entry)
        if path.startswith("/handovers/") and method == "GET":
            done = selectors.handover_get(path.removeprefix("/handovers/"))
            if done is None:
                return _answer(start, "404 Not Found", {"code": "no_such_handover"})
            return _answer(start, "200 OK", done)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_BODY:
                raise ValueError("quá lớn")
            payload = json.loads(environ["wsgi.input"].read(length) or b"{}")
            if not isinstance(payload, dict):
                raise ValueError("không phải đối tượng JSON")
        except (ValueError, UnicodeDecodeError) as exc:
            return _refusal(start, "400 Bad Request", "malformed_packet", detail=str(exc))
        if path == "/packets" and method == "POST":
            items = payload.get("packets")
            if not isinstance(items, list):
                return _refusal(
                    start, "400 Bad Request", "malformed_packet", detail="thiếu danh sách gói"
                )
            head = payload["head"] if isinstance(payload.get("head"), int) else 0
            batch = hub.packets_receive(node_id=node.node_id, head=head, items=items)
            return _answer(start, "200 OK", ack(node.node_id, batch))
        if path == "/claims" and method == "POST" and "personal_ids" in payload:
            return _claims(start, node.node_id, payload["personal_ids"])
        if path == "/claims" and method == "POST":
            pid = str(payload.get("personal_id") or "")
            try:
                ours, claimed = hub.claim(node_id=node.node_id, personal_id=pid)
            except DomainError as exc:
                return _answer(start, "400 Bad Request", exc.as_dict())
            if not ours:
                return _refusal(
                    start,
                    "409 Conflict",
                    "managed_elsewhere",
                    personal_id=pid,
                    agency=selectors.agency(claimed.node_id),
                )
            return _answer(start, "200 OK", {"personal_id": pid, "node": node.node_id})
        if path == "/handovers" and method == "POST":
            move = handover.handover_move(
                node_id=node.node_id,
                manifest=payload.get("manifest"),
                signature=str(payload.get("signature") or ""),
            )
            status = "409 Conflict" if move.status == "refused" else "200 OK"
            return _answer(start, status, move.as_dict())
        return _answer(start, "404 Not Found", {"code": "no_such_route"})

    def app(environ: dict[str, Any], start: Start) -> list[bytes]:
        try:
            return route(environ, start)
        finally:
            connections.close_all()  # a thread per request: never leave its connection open

    return app


class _TLSServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    context: ssl.SSLContext

    def get_request(self) -> tuple[Any, Any]:
        sock, address = self.socket.accept()
        return self.context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        ), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ssl.SSLError | ConnectionError | TimeoutError):
            super().handle_error(request, client_address)
        # else: a client without a valid certificate, or gone; nothing to answer


class _Handler(WSGIRequestHandler):
    def setup(self) -> None:
        self.request.settimeout(30)
        self.request.do_handshake()  # here, in the request's thread
        super().setup()

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["hoso.peer_certificate"] = self.request.getpeercert(binary_form=True)
        return environ

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # the hub audits what matters; a line per request would drown its log


def pages(host: str, port: int) -> WSGIServer:
    """The operators' pages: Django's threaded server over the site (login, `/quoc-gia/`),
    static files served as `hoso demo` serves them (core.webserver); the caller runs
    `serve_forever` in a thread."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import WSGIRequestHandler as DjangoHandler
    from django.core.servers.basehttp import WSGIServer as DjangoServer
    from django.core.servers.basehttp import get_internal_wsgi_application

    threaded = type("PagesServer", (ThreadingMixIn, DjangoServer), {"daemon_threads": True})
    httpd = threaded((host, port), DjangoHandler, ipv6=":" in host)
    httpd.set_app(StaticFilesHandler(get_internal_wsgi_application()))
    return httpd


def tls_context(paths: keys.Paths) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED  # mutual TLS: no certificate, no connection
    context.load_cert_chain(str(paths.cert), str(paths.key))
    context.load_verify_locations(str(paths.roots))
    return context


def serve(host: str, port: int, paths: keys.Paths) -> WSGIServer:
    server = make_server(
        host, port, application(paths), server_class=_TLSServer, handler_class=_Handler
    )
    assert isinstance(server, _TLSServer)
    server.context = tls_context(paths)
    return server
