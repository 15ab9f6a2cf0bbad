"""Hub ingest: packets applied per second by a real `hoso hub serve` over mutual TLS.

    python bench/hub_ingest.py [--packets N] [--batch B] [--database-url URL]

Makes a throwaway CA, the hub's and one node's certificates, a hub database (SQLite in a
temporary directory, or the PostgreSQL database URL given — it is migrated), registers the
node and starts the hub on a free port. It then signs N packets as the node does (CMS, the
node's RSA-3072 key; on both cores, timed apart: that cost is the node's, paid inside each
approval), posts them in batches of B as the sender does, checks every signed ack and that the
hub holds exactly N, and writes the figures to bench/results/hub_ingest-<db>-<N>.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")


def _bodies(node_id: str, count: int) -> list[dict]:
    """The node's packets, chained: each names the previous body's hash (cheap, in order)."""
    from hoso import identity
    from hoso.federation import packets

    out, prev = [], ""
    for seq in range(1, count + 1):
        pid = identity.generate(province_code="079", birth_year=1980, sex="F", serial=seq)
        data = {
            "identity": {"personal_id": pid, "full_name": "Lê Thị Hoa", "sex": "F"},
            "employment": {"managing_agency": "HCM", "status": "working"},
        }
        body = packets.body(
            node_id=node_id,
            seq=seq,
            prev=prev,
            personal_id=pid,
            version=1,
            creates=True,
            data=data,
            applied_at="2026-12-07T10:00:00+07:00",
        )
        out.append(body)
        prev = packets.digest(body)
    return out


def _sign_chunk(job: tuple[str, str, list[dict]]) -> list[dict]:
    from hoso.federation import keys
    from hoso.signing.canonical import canonical

    directory, node_id, bodies = job
    signer = keys.signer(keys.node_paths(node_id, Path(directory)))  # as the outbox signs
    return [
        {"body": b, "signature": base64.b64encode(signer.sign(canonical(b)).der).decode()}
        for b in bodies
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packets", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default="")
    o = parser.parse_args()

    import django

    django.setup()
    import requests

    from hoso.federation import keys
    from hoso.signing.pki import ca_create

    base = Path(tempfile.mkdtemp(prefix="hoso-hub-bench-"))
    ca = ca_create("CA đo hiệu năng", base / "ca")
    hub_paths = keys.hub_issue(ca, directory=base / "hub")
    node = keys.node_issue(
        ca, node_id="hcm", name="Sở Nội vụ TP. Hồ Chí Minh", directory=base / "node"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HOSO_DATA_DIR": str(base / "hub")}
    env.pop("DATABASE_URL", None)
    if o.database_url:
        env["DATABASE_URL"] = o.database_url
    cli = [sys.executable, "-m", "hoso.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [
            *cli,
            "hub",
            "node-add",
            "--data-dir",
            str(base / "hub"),
            "--node-id",
            "hcm",
            "--name",
            "Sở Nội vụ TP. Hồ Chí Minh",
            "--certificate",
            str(node.cert),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )

    started = time.perf_counter()
    bodies = _bodies("hcm", o.packets)
    chunks = [(str(base / "node"), "hcm", bodies[i : i + 250]) for i in range(0, o.packets, 250)]
    with Pool(2) as pool:
        items = [item for chunk in pool.map(_sign_chunk, chunks) for item in chunk]
    sign_seconds = time.perf_counter() - started

    port = _free_port()
    server = subprocess.Popen(
        [*cli, "hub", "serve", "--port", str(port), "--data-dir", str(base / "hub")],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    session = requests.Session()
    session.trust_env = False
    session.verify = str(hub_paths.roots)
    session.cert = (str(node.cert), str(node.key))
    url = f"https://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if session.get(url + "/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        load_before = os.getloadavg()
        started = time.perf_counter()
        for i in range(0, len(items), o.batch):
            answer = session.post(
                url + "/packets",
                json={"head": o.packets, "packets": items[i : i + o.batch]},
                timeout=600,
            ).json()
            statuses = {r["status"] for r in answer["ack"]["results"]}
            assert statuses == {"applied"}, answer["ack"]["results"][:3]
        ingest_seconds = time.perf_counter() - started
        load_after = os.getloadavg()
        nodes = session.get(url + "/nodes", timeout=10).json()["nodes"]
        assert nodes[0]["last_seq"] == o.packets and nodes[0]["received"] == o.packets
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(base, ignore_errors=True)
    result = {
        "database": "postgresql" if o.database_url else "sqlite",
        "packets": o.packets,
        "batch": o.batch,
        "ingest_seconds": round(ingest_seconds, 2),
        "packets_per_second": round(o.packets / ingest_seconds),
        "node_signing_per_second_2_processes": round(o.packets / sign_seconds, 1),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "target_packets_per_second": 2000,
    }
    text = json.dumps(result, indent=1)
    print(text)
    out = ROOT / "bench" / "results" / f"hub_ingest-{result['database']}-{o.packets}.json"
    out.write_text(text + "\n", encoding="utf-8")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
