"""Where the hub's time goes: cProfile of `hub.packets_receive` over N signed packets, in process.

    python bench/hub_profile.py [--packets N] [--batch B] [--database-url URL] [--top K]

A throwaway CA, the hub's and one node's certificates, a hub database (SQLite in a temporary
directory, or the PostgreSQL database URL given: migrated, its hub tables emptied — give a database
of its own), the node registered. N packets are made and signed as the node's outbox does
(`hub_ingest._bodies`, `keys.signer`), then taken in batches of B by the hub's service (no HTTP,
no TLS): CPU per packet (process time) and wall time without the profiler, then the same under
cProfile with the top K functions. Beside it, the same writes as raw SQL (the packets' rows,
the registry's rows, one transaction per batch): the database's own floor. Figures to
bench/results/hub_profile-<db>-<N>.json.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packets", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--top", type=int, default=25)
    o = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="hoso-hub-profile-"))
    os.environ["HOSO_DATA_DIR"] = str(base / "hub")
    os.environ.pop("DATABASE_URL", None)
    if o.database_url:
        os.environ["DATABASE_URL"] = o.database_url
    import django

    django.setup()
    import hub_ingest
    from django.core.management import call_command
    from django.db import connection, transaction

    from hoso.federation import keys
    from hoso.federation.models import HubNode, HubPacket, RegistryEntry
    from hoso.federation.services import hub
    from hoso.signing.canonical import canonical
    from hoso.signing.pki import ca_create

    call_command("migrate", verbosity=0)
    for model in (HubPacket, RegistryEntry, HubNode):  # the audit trail is append-only: kept
        model.objects.all().delete()
    ca = ca_create("CA đo hiệu năng", base / "ca")
    node_paths = keys.node_issue(ca, node_id="hcm", name="Sở Nội vụ HCM", directory=base / "n")
    signer = keys.signer(node_paths)
    bodies = hub_ingest._bodies("hcm", o.packets)
    started = time.perf_counter()
    items = [
        {"body": b, "signature": base64.b64encode(signer.sign(canonical(b)).der).decode()}
        for b in bodies
    ]
    sign_ms = (time.perf_counter() - started) * 1000 / o.packets

    def register() -> None:
        hub.node_register(
            node_id="hcm",
            name="Sở Nội vụ HCM",
            certificate_pem=node_paths.cert.read_bytes(),
            trust_roots=[ca.certificate],
        )

    def take(profile: cProfile.Profile | None) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for i in range(0, len(items), o.batch):
            batch = hub.packets_receive(node_id="hcm", head=o.packets, items=items[i : i + o.batch])
            assert batch.refused is None, batch.refused
        if profile:
            profile.disable()
        return time.process_time() - cpu, time.perf_counter() - wall

    def reset() -> None:
        HubPacket.objects.all().delete()
        RegistryEntry.objects.all().delete()
        HubNode.objects.all().delete()
        register()

    load_before = os.getloadavg()
    register()
    cpu, wall = take(None)
    reset()
    profile = cProfile.Profile()
    take(profile)
    reset()
    raw_wall = _raw_sql(connection, transaction, bodies, o.batch)
    load_after = os.getloadavg()

    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).sort_stats("tottime")
    stats.print_stats(o.top)
    print(text.getvalue())
    result = {
        "database": "postgresql" if o.database_url else "sqlite",
        "packets": o.packets,
        "batch": o.batch,
        "hub_cpu_ms_per_packet": round(cpu * 1000 / o.packets, 3),
        "hub_wall_ms_per_packet": round(wall * 1000 / o.packets, 3),
        "hub_packets_per_second_in_process": round(o.packets / wall),
        "raw_sql_same_writes_ms_per_packet": round(raw_wall * 1000 / o.packets, 3),
        "raw_sql_packets_per_second": round(o.packets / raw_wall),
        "node_sign_ms_per_packet_1_process": round(sign_ms, 3),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
    }
    out = json.dumps(result, indent=1)
    print(out)
    name = f"hub_profile-{result['database']}-{o.packets}.json"
    (ROOT / "bench" / "results" / name).write_text(out + "\n", encoding="utf-8")


def _raw_sql(connection, transaction, bodies: list[dict], size: int) -> float:  # noqa: ANN001
    """The hub's writes for these packets, by hand: per batch, the packets' rows and the
    registry's rows in one transaction (no checks, no audit, no signature)."""
    import hashlib

    from django.utils import timezone

    from hoso.signing.canonical import canonical

    packet_table = "federation_hubpacket"
    registry_table = "federation_registryentry"
    now = timezone.now()
    started = time.perf_counter()
    for i in range(0, len(bodies), size):
        chunk = bodies[i : i + size]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {packet_table} (node_id, seq, hash, personal_id, outcome, "
                "received_at) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        "hcm",
                        b["seq"],
                        hashlib.sha256(canonical(b)).hexdigest(),
                        b["personal_id"],
                        "applied",
                        now,
                    )
                    for b in chunk
                ],
            )
            cursor.executemany(
                f"INSERT INTO {registry_table} (personal_id, node_id, summary, version, "
                "updated_seq, updated_at, name_key) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        b["personal_id"],
                        "hcm",
                        json.dumps(b["summary"], ensure_ascii=False),
                        b["version"],
                        b["seq"],
                        now,
                        "",
                    )
                    for b in chunk
                ],
            )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
