"""The node's HTTPS client of the hub: mutual TLS with the node's certificate, the hub checked
against the federation's roots. Every failure to reach the hub is `hub_unavailable`, said in
Vietnamese with what the node does about it (docs/decisions/0020-national-hub.md)."""

from __future__ import annotations

import base64
from typing import Any

import requests
from django.conf import settings

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
    try:
        response = call("POST", "/claims", json={"personal_id": personal_id})
    except HubUnavailable as exc:
        raise _unavailable(exc.detail) from exc
    if response.status_code != 200:
        raise _refusal(response.json())


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


def handover_get(handover_id: str) -> dict[str, Any] | None:
    """What the hub recorded of a hand-over, None if it moved nothing under that id."""
    return _found(f"/handovers/{handover_id}")
