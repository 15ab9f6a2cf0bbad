"""`hoso federation demo`: the hub, two province nodes and the population simulator, each a
process with its own data directory and database, on consecutive ports, then the hub's
operators' pages (issue 14 item 5).

Province A is a demo node with synthetic people, loaded into the hub (`enqueue-all`) and kept in
sync by its sender; province B is a demo node without people, where creating a dossier on one of
A's ids is refused naming A (R-NO-SILO). The simulator serves A's people. Only processes are
started here (`hoso hub`, `hoso demo`, `hoso federation`, `hoso popdb`): nothing is imported of
the demo app.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hoso.federation import keys
from hoso.signing.pki import CA_CERT_FILE, ca_create, ca_load

NODES = (("tinh-a", "Sở Nội vụ tỉnh A"), ("tinh-b", "Sở Nội vụ tỉnh B"))


@dataclass(frozen=True)
class Plan:
    directory: Path
    port: int
    people: int

    def hub_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def popdb_url(self) -> str:
        return f"http://127.0.0.1:{self.port + 1 + len(NODES)}"

    def pages_url(self) -> str:
        """The hub's operators' pages, after the simulator's port."""
        return f"http://127.0.0.1:{self.port + 2 + len(NODES)}/quoc-gia/"


OPERATOR = "vanhanh"
OPERATOR_FILE = "operator-account.txt"


def _pki(plan: Plan) -> None:
    ca_dir = plan.directory / "ca"
    if (ca_dir / CA_CERT_FILE).exists():
        return
    ca = ca_create("CA liên thông trình diễn (không dùng chính thức)", ca_dir)
    keys.hub_issue(ca, directory=plan.directory / "hub")
    for node, name in NODES:
        keys.node_issue(ca, node_id=node, name=name, directory=plan.directory / "federation")
    ca_load(ca_dir)  # the files read back: the demo fails here, not in a child process


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOSO_DATA_DIR")}
    return {**env, **values}


def _operator(hub_dir: Path, env: dict[str, str], call_out: Callable[..., str]) -> None:
    """The hub's demo operator, once: its password and TOTP key kept beside the hub's data
    (mode 600, outside the repository), as the nodes' demo accounts are."""
    kept = hub_dir / OPERATOR_FILE
    if kept.exists():
        return
    made = call_out(["hub", "operator-add", OPERATOR, "--full-name", "Người vận hành"], env)
    made += call_out(["totp", "enrol", OPERATOR], env)
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(made)


def run(plan: Plan, say: Callable[[str], None], stop: threading.Event) -> None:
    """Set everything up (idempotent), start the processes, wait for `stop`, stop them all."""
    plan.directory.mkdir(parents=True, exist_ok=True)
    _pki(plan)
    cli = [sys.executable, "-m", "hoso.cli"]
    children: list[subprocess.Popen[bytes]] = []
    logs = plan.directory / "logs"
    logs.mkdir(exist_ok=True)

    def start(name: str, args: list[str], env: dict[str, str]) -> None:
        with (logs / f"{name}.log").open("ab") as out:
            # Our own command with fixed arguments.
            child = subprocess.Popen([*cli, *args], env=env, stdout=out, stderr=out)  # noqa: S603
            children.append(child)

    def call(args: list[str], env: dict[str, str], *, quiet: bool = False) -> None:
        output = subprocess.DEVNULL if quiet else None
        subprocess.run([*cli, *args], env=env, check=True, stdout=output)  # noqa: S603

    def call_out(args: list[str], env: dict[str, str]) -> str:
        done = subprocess.run([*cli, *args], env=env, check=True, capture_output=True)  # noqa: S603
        return done.stdout.decode("utf-8")

    try:
        hub_dir = plan.directory / "hub"
        hub_env = _env(HOSO_DATA_DIR=str(hub_dir))
        say("Dựng Cơ sở dữ liệu quốc gia (nút trung tâm)…")
        call(["migrate", "-v0"], hub_env)
        # The national statistics name ranks, categories and qualifications from the catalogs.
        call(["catalog", "load"], hub_env, quiet=True)
        for node, name in NODES:
            certificate = plan.directory / "federation" / f"{node}.cert.pem"
            call(
                ["hub", "node-add", "--data-dir", str(hub_dir), "--node-id", node]
                + ["--name", name, "--certificate", str(certificate)],
                hub_env,
                quiet=True,
            )
        _operator(hub_dir, hub_env, call_out)
        pages_port = str(plan.port + 2 + len(NODES))
        serve = ["hub", "serve", "--port", str(plan.port), "--data-dir", str(hub_dir)]
        start("hub", [*serve, "--web-port", pages_port], hub_env)
        for index, (node, name) in enumerate(NODES):
            people = plan.people if index == 0 else 0
            env = _env(
                HOSO_DATA_DIR=str(plan.directory / node),
                HOSO_FEDERATION_NODE_ID=node,
                HOSO_FEDERATION_DIR=str(plan.directory / "federation"),
                HOSO_HUB_URL=plan.hub_url(),
                HOSO_POPULATION_URL=plan.popdb_url(),
            )
            say(f"Dựng nút {name} ({people} hồ sơ)…")
            seed = str(index + 1)
            call(["demo", "--people", str(people), "--no-serve", "--seed", seed], env, quiet=True)
            call(["federation", "enqueue-all"], env)
            if index == 0:
                popdb = plan.directory / "popdb"
                call(["popdb", "export", "--data", str(popdb)], env)
                port = plan.port + 1 + len(NODES)
                start("popdb", ["popdb", "serve", "--port", str(port), "--data", str(popdb)], env)
            port = plan.port + 1 + index
            start(node, ["demo", "--port", str(port), "--people", str(people)], env)
            start(f"{node}-sender", ["federation", "send"], env)
        say("")
        say(f"Cơ sở dữ liệu quốc gia: {plan.hub_url()} (HTTPS, xác thực hai chiều)")
        for index, (node, name) in enumerate(NODES):
            say(f"{name} ({node}): http://127.0.0.1:{plan.port + 1 + index}/")
        say(f"Mô phỏng CSDL quốc gia về dân cư: {plan.popdb_url()}")
        say(
            f"Trang của người vận hành Cơ sở dữ liệu quốc gia: {plan.pages_url()} (tài khoản "
            f"{OPERATOR}, mật khẩu và khóa TOTP trong {hub_dir / OPERATOR_FILE}; mã hiện tại: "
            f"HOSO_DATA_DIR={hub_dir} hoso totp code {OPERATOR})"
        )
        say(f"Nhật ký: {logs}; độ trễ từng nút: HOSO_DATA_DIR={hub_dir} hoso hub status")
        stop.wait()
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
