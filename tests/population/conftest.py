"""The population database simulator as a real process (R-POPULATION): started with
`hoso popdb serve` on a free port with its own data directory, always stopped (SIGTERM, then
SIGKILL), and the node's settings pointed at it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conftest import login
from hoso.population import simulator
from hoso.population.records import CitizenRecord

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Simulator:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *flags: str) -> Simulator:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-m", "hoso.cli", "popdb", "serve", "--port", str(self.port)]
        command += ["--data", str(self.data), "--extra", "5", *flags]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the simulator exited with {self.process.returncode}")
            try:
                if requests.get(self.url + "/health", timeout=0.5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the simulator did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def popdb(tmp_path, settings) -> Iterator[Simulator]:
    """A simulator not yet started (the test writes its citizens, then `start(*flags)`); the
    node's settings point at it with a short timeout."""
    sim = Simulator(tmp_path / "popdb")
    settings.HOSO_POPULATION_URL = sim.url
    settings.HOSO_POPULATION_TIMEOUT_SECONDS = 0.5
    yield sim
    sim.stop()


def write(sim: Simulator, *records: CitizenRecord) -> None:
    simulator.write_citizens(sim.data, records)


@pytest.fixture
def as_(client, personas):
    def signed(who):
        return login(client, personas[who] if isinstance(who, str) else who)

    return signed
