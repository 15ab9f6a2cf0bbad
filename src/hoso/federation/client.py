"""The node's HTTPS client of the hub: mutual TLS with the node's certificate, the hub checked
against the federation's roots. Every failure to reach the hub is `hub_unavailable`, said in
Vietnamese with what the node does about it (docs/decisions/0020-national-hub.md)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

from hoso.core.errors import Problem, ValidationFailed
from hoso.federation import keys, refusals


class HubUnavailable(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _session() -> tuple[requests.Session, str]:
    paths = keys.node_paths()
    session = requests.Session()
    # Only the federation's roots and no proxy: never the environment's CA bundle or proxies.
    session.trust_env = False
    session.cert = (str(paths.cert), str(paths.key))
    session.verify = str(paths.roots)
    return session, settings.HOSO_HUB_URL


def call(
    method: str, path: str, *, json: Any = None, timeout: float | None = None
) -> requests.Response:
    """One request to the hub; `HubUnavailable` when it cannot be reached or fails (5xx)."""
    session, base = _session()
    try:
        with session:
            response = session.request(
                method, base + path, json=json, timeout=timeout or settings.HOSO_HUB_TIMEOUT_SECONDS
            )
    except requests.exceptions.SSLError as exc:
        raise HubUnavailable("không thiết lập được kết nối an toàn (TLS) với máy chủ") from exc
    except requests.exceptions.Timeout as exc:
        raise HubUnavailable("máy chủ không trả lời kịp") from exc
    except (requests.RequestException, OSError) as exc:
        raise HubUnavailable("không kết nối được máy chủ") from exc
    if response.status_code >= 500:
        raise HubUnavailable(f"máy chủ báo lỗi {response.status_code}")
    return response


def _unavailable(detail: str) -> ValidationFailed:
    return ValidationFailed(
        [refusals.problem("hub_unavailable", detail=detail)],
        "Chưa kiểm tra được với Cơ sở dữ liệu quốc gia; chưa ghi gì.",
    )


def _refusal(answer: dict[str, Any]) -> ValidationFailed:
    code = str(answer.get("code") or "managed_elsewhere")
    message = str(answer.get("message") or code)
    return ValidationFailed([Problem(code, message, "personal_id")], message)


def creation_check(personal_id: str) -> None:
    """R-NO-SILO: refuse a new dossier on an id another node manages (naming its agency), and
    any new dossier while the hub cannot say. Nothing asked when no hub is configured."""
    if not settings.HOSO_HUB_URL:
        return
    try:
        response = call("GET", f"/registry/{personal_id}")
    except HubUnavailable as exc:
        raise _unavailable(exc.detail) from exc
    if response.status_code == 404:
        return
    answer = response.json()
    if response.status_code == 200 and answer.get("node") != settings.HOSO_FEDERATION_NODE_ID:
        raise ValidationFailed(
            [
                refusals.problem(
                    "managed_elsewhere", personal_id=personal_id, agency=answer.get("agency")
                )
            ],
            refusals.message(
                "managed_elsewhere", personal_id=personal_id, agency=answer.get("agency")
            ),
        )
    if response.status_code not in (200, 404):
        raise _refusal(answer)


def claim(personal_id: str) -> None:
    """Take the registry entry of `personal_id` for this node, atomically at the hub: of two
    nodes approving the same new id at once, exactly one gets it (R-NO-SILO)."""
    _claims_post({"personal_id": personal_id})


def _claims_post(body: dict[str, Any]) -> None:
    try:
        response = call("POST", "/claims", json=body)
    except HubUnavailable as exc:
        raise _unavailable(exc.detail) from exc
    if response.status_code != 200:
        raise _refusal(response.json())


def claim_many(personal_ids: list[str]) -> None:
    """`claim` for a bulk creation in one request per 1,000 ids: all taken, or a refusal naming
    the first id another node manages (and, in that request, none taken)."""
    for at in range(0, len(personal_ids), CLAIMS_PER_REQUEST):
        _claims_post({"personal_ids": personal_ids[at : at + CLAIMS_PER_REQUEST]})


CLAIMS_PER_REQUEST = 1000  # the hub's `hub.CLAIMS_MAX`


def _handover_unavailable(detail: str) -> ValidationFailed:
    text = refusals.message("hub_unavailable_handover", detail=detail)
    return ValidationFailed([Problem("hub_unavailable", text)], text)


def _found(path: str) -> dict[str, Any] | None:
    """The hub's answer to a GET of `path`, None for its 404."""
    try:
        response = call("GET", path)
    except HubUnavailable as exc:
        raise _handover_unavailable(exc.detail) from exc
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise _refusal(response.json())
    answer: dict[str, Any] = response.json()
    return answer


def registry_get(personal_id: str) -> dict[str, Any] | None:
    """The hub's registry entry of `personal_id` (managing node, agency), None if it has none."""
    return _found(f"/registry/{personal_id}")


def handover_move(manifest: dict[str, Any], signature: bytes) -> dict[str, Any]:
    """Ask the hub to move the registry entry (idempotent: a retry answers `duplicate`)."""
    body = {"manifest": manifest, "signature": base64.b64encode(signature).decode("ascii")}
    try:
        response = call("POST", "/handovers", json=body)
    except HubUnavailable as exc:
        raise _handover_unavailable(exc.detail) from exc
    answer: dict[str, Any] = response.json()
    if response.status_code != 200:
        raise _refusal(answer)
    return answer


def nodes() -> list[dict[str, Any]]:
    """The hub's registry of nodes (`node`, `agency`, lag); `hub_unavailable` if unreachable."""
    found = _found("/nodes")
    return list((found or {}).get("nodes") or [])


# How long the hub's list of nodes is taken as current, and how long the last list received is
# kept to offer while the hub cannot be reached (nodes are registered rarely; the hub judges the
# receiver again at the hand-over itself).
NODES_FRESH_SECONDS = 300
NODES_KNOWN_SECONDS = 7 * 24 * 3600
NODES_DOWN_SECONDS = 30


@dataclass(frozen=True)
class Directory:
    """The other agencies' nodes as this node knows them (for a pick list)."""

    others: list[tuple[str, str]]  # (node code, agency name in Vietnamese), by agency name
    reachable: bool  # the hub answered now (or within NODES_FRESH_SECONDS)
    configured: bool  # this node is federated at all
    detail: str = ""  # why the hub could not be asked, in Vietnamese

    def agency(self, node: str) -> str | None:
        return dict(self.others).get(node)


def _nodes_listed() -> list[tuple[str, str]]:
    response = call("GET", "/nodes")
    try:
        rows = response.json()["nodes"] if response.status_code == 200 else None
        listed = [(str(n["node"]), str(n.get("agency") or n["node"])) for n in rows or []]
    except (ValueError, KeyError, TypeError) as exc:
        raise HubUnavailable("máy chủ trả lời không đúng định dạng") from exc
    if rows is None:
        raise HubUnavailable(f"máy chủ trả lời mã {response.status_code}")
    return listed


def _cache_key(kind: str) -> str:
    return f"hoso.federation.nodes.{kind}:{settings.HOSO_HUB_URL}"


def directory() -> Directory:
    """The hub's registry of nodes, without this node, cached (`NODES_FRESH_SECONDS`); when the
    hub cannot be reached, the last list received (`reachable` False, with why), so that a
    form can still offer it and take a code typed by hand."""
    own = str(settings.HOSO_FEDERATION_NODE_ID or "")
    if not own or not settings.HOSO_HUB_URL:
        return Directory([], reachable=False, configured=False)
    fresh = cache.get(_cache_key("fresh"))
    if fresh is None:
        down = cache.get(_cache_key("down"))  # asked a moment ago: not every page waits again
        try:
            if down is not None:
                raise HubUnavailable(down)
            fresh = _nodes_listed()
        except HubUnavailable as exc:
            cache.set(_cache_key("down"), exc.detail, NODES_DOWN_SECONDS)
            known = cache.get(_cache_key("known")) or []
            others = [(code, name) for code, name in known if code != own]
            return Directory(others, reachable=False, configured=True, detail=exc.detail)
        cache.set(_cache_key("fresh"), fresh, NODES_FRESH_SECONDS)
        cache.set(_cache_key("known"), fresh, NODES_KNOWN_SECONDS)
    others = sorted(((c, n) for c, n in fresh if c != own), key=lambda row: (row[1], row[0]))
    return Directory(others, reachable=True, configured=True)


def handover_get(handover_id: str) -> dict[str, Any] | None:
    """What the hub recorded of a hand-over, None if it moved nothing under that id."""
    return _found(f"/handovers/{handover_id}")
