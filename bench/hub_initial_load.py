"""Initial load: a node's existing dossiers into the hub (R-NATIONAL; issue 14, performance).

    python bench/hub_initial_load.py [--people N] [--hub-database-url URL]
                                     [--node-database-url URL]

A real hub and a real demo node of N dossiers (`hub_world`: processes, own data directories
and databases; the dossiers seeded by the bulk path, so no packet names them yet). Then, as an
operator would: `hoso federation send` running, `hoso federation enqueue-all` (each dossier
read by the system reader, audited, summarised, signed, numbered and chained: one packet per
dossier), until the hub acknowledged all. Timed: the packeting at the node, the whole load
until the last ack, and the hub's own rate (first to last packet received). Figures to
bench/results/hub_initial_load-<db>-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hub_world  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--hub-database-url", default="")
    parser.add_argument("--node-database-url", default="")
    o = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="hoso-hub-load-"))
    world = hub_world.build(
        base, people=o.people, hub_url=o.hub_database_url, node_url=o.node_database_url
    )
    try:
        world.start("sender", [*hub_world.CLI, "federation", "send"], world.node_env)
        load_before = hub_world.loadavg()
        started = time.perf_counter()
        said = hub_world.call([*hub_world.CLI, "federation", "enqueue-all"], world.node_env)
        enqueue_seconds = time.perf_counter() - started
        load_after_enqueue = hub_world.loadavg()
        node = hub_world.wait_acked(world, 3 * 3600)
        total_seconds = time.perf_counter() - started
        hub = world.hub_dump()
    finally:
        world.stop_all()
    received = sorted(hub["received"].values())
    hub_span = received[-1] - received[0] if len(received) > 1 else 0.0
    packets = len(node["created"])
    result = {
        "database": "postgresql" if o.hub_database_url else "sqlite",
        "people": o.people,
        "packets": packets,
        "at_hub": len(received),
        "pending_at_end": node["pending"],
        "enqueue_seconds": round(enqueue_seconds, 1),
        "enqueue_packets_per_second": round(packets / enqueue_seconds, 1),
        "total_seconds_to_last_ack": round(total_seconds, 1),
        "packets_per_second_end_to_end": round(packets / total_seconds, 1),
        "hub_first_to_last_received_seconds": round(hub_span, 1),
        "enqueue_said": said.strip().splitlines()[-1:],
        "loadavg_before": load_before,
        "loadavg_after_enqueue": load_after_enqueue,
        "loadavg_end": hub_world.loadavg(),
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    name = f"hub_initial_load-{result['database']}-{o.people}.json"
    (hub_world.ROOT / "bench" / "results" / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
