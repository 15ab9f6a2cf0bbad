"""The national hub and two nodes as real processes (R-NATIONAL, R-NO-SILO, R-LIVE).

A throwaway CA issues the hub's TLS certificate and each node's certificate; the hub runs
`hoso hub serve` over mutual TLS on a free port with its own data directory and database
(PostgreSQL in the PostgreSQL run: its own database, named after the test database), each node
its own SQLite database (a copy of one migrated template) and `hoso federation send`. The
nodes' changes are made by `node.py` in the node's process through the real write path.
Every process is stopped at the end (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from hoso.federation import keys
from hoso.signing.pki import ca_create

ROOT = Path(__file__).resolve().parents[2]
NODE_SCRIPT = Path(__file__).with_name("node.py")
AGENCIES = {"tinh-a": "Sở Nội vụ tỉnh A", "tinh-b": "Sở Nội vụ tỉnh B", "thu": "Nút thử nghiệm"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Any, timeout: float = 60, what: str = "", logs: tuple[Path, ...] = ()) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    tails = "".join(f"\n--- {p}:\n{p.read_text()[-2000:]}" for p in logs if p.exists())
    raise AssertionError(f"timed out waiting for {what or check}{tails}")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["PYTHONPATH"] = str(ROOT / "src")
    # A sender retries a down hub within 1 s, not 15: a test restarting the hub waits no
    # longer for the next round (the backoff itself is tested in test_sender.py).
    env["HOSO_HUB_RETRY_MAX_MS"] = "1000"
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(f"{args} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class Process:
    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, *self.args], env=self.env, cwd=ROOT, stdout=out, stderr=out
            )
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


@dataclass
class Pki:
    directory: Path
    hub: keys.Paths
    nodes: dict[str, keys.Paths]
    foreign: keys.Paths  # a node certificate from another CA

    def session(self, node: str | None) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # the federation's CA only, never the environment's
        session.verify = str(self.hub.roots)
        if node == "foreign":
            session.cert = (str(self.foreign.cert), str(self.foreign.key))
        elif node:
            session.cert = (str(self.nodes[node].cert), str(self.nodes[node].key))
        return session


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    base = tmp_path_factory.mktemp("federation-pki")
    ca = ca_create("CA liên thông thử nghiệm", base / "ca")
    hub = keys.hub_issue(ca, directory=base / "hub")
    nodes = {
        node: keys.node_issue(ca, node_id=node, name=name, directory=base / node)
        for node, name in [*AGENCIES.items(), ("la", "Nút chưa đăng ký")]
    }
    other = ca_create("CA lạ", base / "other-ca")
    foreign = keys.node_issue(other, node_id="tinh-a", name="Giả mạo", directory=base / "foreign")
    return Pki(base, hub, nodes, foreign)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for every node (migrating takes ~20 s)."""
    directory = tmp_path_factory.mktemp("federation-template")
    run(["-m", "hoso.cli", "migrate", "-v0"], _env(HOSO_DATA_DIR=str(directory)))
    return directory / "hoso.sqlite3"


def _postgresql_dsn() -> tuple[dict[str, Any], str] | None:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        return None
    return db, f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"


@pytest.fixture(scope="session")
def hub_template() -> Iterator[str | None]:
    """In the PostgreSQL run, one migrated hub database, named after the test database, that
    each module's hub copies (`CREATE DATABASE … TEMPLATE`, well under a second): migrating
    takes ~25 s, three hubs a run. None in the SQLite run (the hub copies `template_db`)."""
    found = _postgresql_dsn()
    if found is None:
        yield None
        return
    import psycopg

    db, dsn = found
    name = f"{(db.get('TEST') or {}).get('NAME') or db['NAME']}_fedhub_template"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with tempfile.TemporaryDirectory(prefix="hoso-fedhub-") as data:
        try:
            run(["-m", "hoso.cli", "migrate", "-v0"], _env(HOSO_DATA_DIR=data, DATABASE_URL=url))
            yield name
        finally:
            _hub_database_drop(url)


def _hub_database_url(template: str | None) -> str | None:
    """In the PostgreSQL run, the hub's own database, named after the test database: a copy
    of the migrated `template` (the `hub_template` fixture)."""
    found = _postgresql_dsn()
    if found is None:
        return None
    assert template, "the PostgreSQL run copies the hub_template fixture's database"
    import psycopg

    db, dsn = found
    name = f"{(db.get('TEST') or {}).get('NAME') or db['NAME']}_fedhub"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _hub_database_drop(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Hub:
    pki: Pki
    data: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    server: Process | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> Hub:
        args = ["-m", "hoso.cli", "hub", "serve", "--port", str(self.port)]
        self.server = Process([*args, "--data-dir", str(self.data)], self.env, self.data / "log")
        self.server.start()
        try:
            wait_for(self._up, 90, "the hub")
        except BaseException:
            self.server.stop()  # never leave a hub behind
            raise
        return self

    def _up(self) -> bool:
        assert self.server and self.server.process
        if self.server.process.poll() is not None:
            raise AssertionError(f"the hub exited:\n{(self.data / 'log').read_text()[-3000:]}")
        try:
            return self.get("/health").ok
        except requests.RequestException:
            return False

    def get(self, path: str, node: str | None = "tinh-a") -> requests.Response:
        with self.pki.session(node) as session:
            return session.get(self.url + path, timeout=10)

    def post(self, path: str, body: Any, node: str = "thu") -> requests.Response:
        with self.pki.session(node) as session:
            return session.post(self.url + path, json=body, timeout=30)

    def entry(self, pid: str) -> dict[str, Any] | None:
        response = self.get(f"/registry/{pid}")
        return response.json() if response.status_code == 200 else None

    def nodes(self) -> dict[str, dict[str, Any]]:
        return {row["node"]: row for row in self.get("/nodes").json()["nodes"]}


@pytest.fixture(scope="module")
def hub(pki, template_db, hub_template, tmp_path_factory) -> Iterator[Hub]:
    data = tmp_path_factory.mktemp("hub")
    shutil.copytree(pki.hub.key.parent, data, dirs_exist_ok=True)
    url = _hub_database_url(hub_template)
    env = _env(HOSO_DATA_DIR=str(data), **({"DATABASE_URL": url} if url else {}))
    if not url:
        shutil.copy(template_db, data / "hoso.sqlite3")
    for node, name in AGENCIES.items():
        cert = str(pki.nodes[node].cert)
        run(
            [
                "-m",
                "hoso.cli",
                "hub",
                "node-add",
                "--data-dir",
                str(data),
                "--node-id",
                node,
                "--name",
                name,
                "--certificate",
                cert,
            ],
            env,
        )
    hub = Hub(pki, data, env)
    try:
        yield hub.start()
    finally:
        if hub.server:
            hub.server.stop()
        if url:
            _hub_database_drop(url)


@dataclass
class Node:
    node_id: str
    data: Path
    env: dict[str, str]
    sender: Process | None = None

    def start_sender(self) -> Node:
        args = ["-m", "hoso.cli", "federation", "send", "--interval", "0.1"]
        self.sender = Process(args, self.env, self.data / "sender.log").start()
        return self

    def run(self, *args: str, timeout: float = 300) -> list[dict[str, Any]]:
        out = run([str(NODE_SCRIPT), *args], self.env, timeout=timeout)
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    def background(self, *args: str) -> Process:
        return Process([str(NODE_SCRIPT), *args], self.env, self.data / "driver.log").start()

    def head(self) -> dict[str, int]:
        return self.run("head")[0]


def _node(node_id: str, pki: Pki, template_db: Path, hub: Hub, base: Path) -> Node:
    data = base / node_id
    data.mkdir()
    shutil.copy(template_db, data / "hoso.sqlite3")
    env = _env(
        HOSO_DATA_DIR=str(data),
        HOSO_FEDERATION_NODE_ID=node_id,
        HOSO_FEDERATION_DIR=str(pki.nodes[node_id].key.parent),
        HOSO_HUB_URL=hub.url,
        HOSO_TASKS_IMMEDIATE="1",
    )
    node = Node(node_id, data, env)
    node.run("setup")
    return node


@pytest.fixture(scope="module")
def nodes(pki, template_db, hub, tmp_path_factory) -> Iterator[dict[str, Node]]:
    base = tmp_path_factory.mktemp("nodes")
    made = {n: _node(n, pki, template_db, hub, base) for n in ("tinh-a", "tinh-b")}
    try:
        for node in made.values():
            node.start_sender()
        yield made
    finally:
        for node in made.values():
            if node.sender:
                node.sender.stop()
