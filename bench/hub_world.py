"""A real hub and a real node as processes, for `hub_lag.py` and `hub_initial_load.py`.

A throwaway CA issues the hub's and the node's certificates; the hub gets its own data
directory and database (migrated, the node registered) and runs `hoso hub serve` on a free
port; the node is a demo node (`hoso demo --no-serve --people N`: catalogs, the demo tree,
the personas, N synthetic dossiers seeded by the bulk path, so without packets) in its own
data directory and database, federated (`HOSO_FEDERATION_NODE_ID`, `HOSO_HUB_URL`). Each side
is read back in its own process (`dump`), never by opening the other's database here.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "hoso.cli"]
NODE_ID, AGENCY = "tinh-a", "Sở Nội vụ tỉnh A"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOSO_DATA_DIR")}
    env |= {"PYTHONPATH": str(ROOT / "src"), "HOSO_DATA_DIR": str(data), **extra}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def call(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{args} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class World:
    base: Path
    hub_env: dict[str, str]
    node_env: dict[str, str]
    hub_port: int
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.base / f"{name}.log").open("ab")
        child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=log)
        self.children.append(child)
        return child

    def stop(self, child: subprocess.Popen[bytes]) -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def stop_all(self) -> None:
        for child in reversed(self.children):
            self.stop(child)

    def node_dump(self) -> dict[str, Any]:
        return json.loads(call([sys.executable, __file__, "dump-node"], self.node_env))

    def hub_dump(self) -> dict[str, Any]:
        return json.loads(call([sys.executable, __file__, "dump-hub"], self.hub_env))


def build(base: Path, *, people: int, hub_url: str, node_url: str, say: Any = print) -> World:
    """Certificates, both databases migrated, the hub serving, the node seeded with `people`."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from hoso.federation import keys
    from hoso.signing.pki import ca_create

    ca = ca_create("CA đo hiệu năng liên thông", base / "ca")
    keys.hub_issue(ca, directory=base / "hub")
    node = keys.node_issue(ca, node_id=NODE_ID, name=AGENCY, directory=base / "federation")
    port = free_port()
    hub_env = env_for(base / "hub", hub_url)
    node_env = env_for(
        base / "node",
        node_url,
        HOSO_FEDERATION_NODE_ID=NODE_ID,
        HOSO_FEDERATION_DIR=str(base / "federation"),
        HOSO_HUB_URL=f"https://127.0.0.1:{port}",
    )
    say("migrate the hub")
    call([*CLI, "migrate", "-v0"], hub_env)
    call([*CLI, "hub", "node-add", "--data-dir", str(base / "hub"), "--node-id", NODE_ID]
         + ["--name", AGENCY, "--certificate", str(node.cert)], hub_env)  # fmt: skip
    world = World(base, hub_env, node_env, port)
    serve = ["hub", "serve", "--port", str(port), "--data-dir", str(base / "hub")]
    world.start("hub", [*CLI, *serve], hub_env)
    say(f"seed the node ({people} dossiers)")
    started = time.perf_counter()
    call([*CLI, "demo", "--people", str(people), "--no-serve"], node_env)
    say(f"  seeded in {time.perf_counter() - started:.0f} s")
    return world


def wait_acked(world: World, timeout: float, say: Any = print) -> dict[str, Any]:
    """Until the node has nothing waiting (every packet acknowledged by the hub's signed ack)."""
    deadline = time.monotonic() + timeout
    while True:
        node = world.node_dump()
        if node["pending"] == 0 or time.monotonic() > deadline:
            return node
        say(f"  {node['pending']} packets still waiting")
        time.sleep(2)


def _dump(side: str) -> None:
    """Run in the side's own environment: what it holds, as JSON on stdout."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from hoso.federation.models import HubPacket, OutboxPacket

    if side == "dump-node":
        rows = OutboxPacket.objects.values_list("seq", "created_at", "acked_at")
        out = {
            "pending": OutboxPacket.objects.filter(acked_at__isnull=True).count(),
            "created": {s: c.timestamp() for s, c, _a in rows},
            "acked": {s: a.timestamp() for s, _c, a in rows if a},
        }
    else:
        rows = HubPacket.objects.values_list("seq", "received_at")
        out = {"received": {s: r.timestamp() for s, r in rows}}
    print(json.dumps(out))


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    _dump(sys.argv[1])
