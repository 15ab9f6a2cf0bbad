"""End-to-end lag, node approval → hub applied, under a steady rate of approved changes (R-LIVE).

    python bench/hub_lag.py [--rate 100] [--seconds 60] [--workers 2] [--people 300]
                            [--hub-database-url URL] [--node-database-url URL]

A real hub (`hoso hub serve`, mutual TLS) and a real node (a demo node of N dossiers, its own
database and data directory) as processes, `hoso federation send` running as in production
(defaults: batches of 500, polling every 0.2 s when idle). W driver processes on the node
propose and approve changes through the one write path (`changeset_propose` by the clerk,
`changeset_approve` by the records manager: checks, the version signed, the packet signed
and numbered in the approval's transaction), open loop: change i is due at t0 + i/rate, and
a driver that falls behind goes on at once, and stops when the S seconds are over, so the
rate achieved is measured, not assumed.

Lag of a change = the hub's `HubPacket.received_at` (the packet applied, in the hub's
transaction) − the node's `OutboxPacket.created_at` (inside the approval's transaction), both
on this machine's clock, matched by sequence number. Figures (p50/p95/max, the rate offered
and achieved, the approval's own time, the load average) go to
bench/results/hub_lag-<db>-<rate>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hub_world  # noqa: E402


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def drive(o: argparse.Namespace) -> None:
    """One driver process on the node: its share of the changes, paced from t0."""
    sys.path.insert(0, str(hub_world.ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from hoso.access.models import User
    from hoso.access.policies import people_scope
    from hoso.changes.services.changesets import changeset_approve, changeset_propose
    from hoso.core.errors import DomainError
    from hoso.people.models import Person

    clerk, manager = User.objects.get(username="nhaplieu"), User.objects.get(username="quanly")
    pids = list(
        Person.objects.filter(people_scope(clerk))
        .order_by("personal_id")
        .values_list("personal_id", flat=True)
    )
    assert pids, "the clerk's unit holds no dossier: seed more people"
    if o.batch > 1:
        return drive_bulk(o, clerk, manager)
    total = int(o.rate * o.seconds)
    for i in range(o.worker, total, o.workers):
        due = o.t0 + i / o.rate
        if time.time() > o.t0 + o.seconds:
            break  # the window is over: what was not started was offered, not achieved
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        started = time.time()
        pid = pids[i % len(pids)]
        change = {"op": "set", "section": "identity", "values": {"other_names": f"Bí danh {i}"}}
        try:
            proposal = changeset_propose(
                acting_user=clerk, personal_id=pid, operations=[change], source_kind="decision"
            )
            changeset_approve(acting_user=manager, changeset_id=proposal.pk)
            ok, code = True, ""
        except DomainError as exc:
            ok, code = False, exc.code
        line = {"i": i, "due": due, "started": started, "done": time.time(), "ok": ok, "n": 1}
        print(json.dumps(line | ({"code": code} if code else {})), flush=True)


def drive_bulk(o: argparse.Namespace, clerk, manager) -> None:
    """`--batch K`: every K/rate seconds, K new dossiers proposed and approved in one change of
    the bulk creation path (`creations_propose` / `creations_approve`, as an approved import
    does): one transaction, K versions and K packets signed. Offers the same changes per
    second as K single approvals, in the shape a node's heavy traffic takes."""
    from hoso.access.policies import people_scope
    from hoso.changes.operations import BY_KEY
    from hoso.changes.services.creations import Creation, creations_approve, creations_propose
    from hoso.core.dates import today as local_today
    from hoso.core.errors import DomainError
    from hoso.demo.population.seeding import seed_plan
    from hoso.people.models import Person

    # New people in the units the clerk's present dossiers are in: the clerk's and the
    # manager's scope, as for the single changes.
    codes = sorted(
        set(Person.objects.filter(people_scope(clerk)).values_list("current_unit__code", flat=True))
    )
    today = local_today()
    ticks = int(o.rate * o.seconds) // o.batch
    plan = seed_plan(count=ticks * o.batch, seed=9000, unit_codes=codes, today=today)
    # Every driver makes the same new people (one seed; serials continue from the database)
    # and keeps its own chunks, made before t0 so the generator costs nothing in the window.
    made = plan.population.dossiers(plan.count, plan.start)
    mine = {}
    for j in range(ticks):
        chunk = [next(made) for _ in range(o.batch)]
        if j % o.workers == o.worker:
            # As an import reads it: plain JSON values, only the registry's sections.
            plain = [json.loads(json.dumps(d, default=str)) for d in chunk]
            plain = [{k: v for k, v in d.items() if k in BY_KEY} for d in plain]
            mine[j] = [
                Creation(d["identity"]["personal_id"], d, "Hồ sơ giấy tiếp nhận (đo độ trễ)")
                for d in plain
            ]
    for j, creations in mine.items():
        due = o.t0 + j * o.batch / o.rate
        if time.time() > o.t0 + o.seconds:
            break
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        started = time.time()
        try:
            proposed, refused = creations_propose(
                acting_user=clerk, creations=creations, paper_confirmed_on=today
            )
            ids = [cs.pk for cs in proposed.values()]
            approved = len(creations_approve(acting_user=manager, changeset_ids=ids)) if ids else 0
            codes_seen = sorted({p.code for ps in refused.values() for p in ps})
            if refused and j < o.workers:  # the first refusal in full, on stderr
                print(json.dumps(refused, default=str, ensure_ascii=False)[:2000], file=sys.stderr)
            ok, code = approved == o.batch, ",".join(codes_seen)
        except DomainError as exc:
            approved, ok, code = 0, False, exc.code
        line = {"i": j, "due": due, "started": started, "done": time.time(), "ok": ok}
        line["n"] = approved  # changes applied by this approval
        print(json.dumps(line | ({"code": code} if code else {})), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--hub-database-url", default="")
    parser.add_argument("--node-database-url", default="")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--batch", type=int, default=1, help="K > 1: K new dossiers per bulk approval"
    )
    o = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="hoso-hub-lag-"))
    world = hub_world.build(
        base, people=o.people, hub_url=o.hub_database_url, node_url=o.node_database_url
    )
    try:
        world.start("sender", [*hub_world.CLI, "federation", "send"], world.node_env)
        print("initial load (enqueue-all), so the hub knows every dossier first")
        hub_world.call([*hub_world.CLI, "federation", "enqueue-all"], world.node_env)
        first = hub_world.wait_acked(world, 1800)
        warm_seq = max(map(int, first["created"]), default=0)
        t0 = time.time() + (5 if o.batch == 1 else 30)  # a bulk driver makes its people first
        load_before = hub_world.loadavg()
        print(f"drive {o.rate}/s for {o.seconds} s with {o.workers} processes")
        drivers = [
            subprocess.Popen(
                [sys.executable, __file__, "drive", "--t0", str(t0), "--rate", str(o.rate)]
                + ["--seconds", str(o.seconds), "--worker", str(k), "--workers", str(o.workers)]
                + ["--batch", str(o.batch)],
                env=world.node_env,
                cwd=hub_world.ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in range(o.workers)
        ]
        outputs = [d.communicate()[0] for d in drivers]
        load_after_drive = hub_world.loadavg()
        node = hub_world.wait_acked(world, 1800)
        hub = world.hub_dump()
    finally:
        world.stop_all()
    changes = [json.loads(line) for out in outputs for line in out.splitlines() if line]
    done = [c for c in changes if c["n"]]  # a bulk approval may apply some and refuse others
    refused = [c for c in changes if not c["ok"]]
    span = max(c["done"] for c in changes) - min(c["started"] for c in changes)
    lags = [
        hub["received"][seq] - node["created"][seq]
        for seq in node["created"]
        if int(seq) > warm_seq and seq in hub["received"]
    ]
    behind = [c["started"] - c["due"] for c in changes]
    approval = [c["done"] - c["started"] for c in changes]
    result = {
        "database": "postgresql" if o.hub_database_url else "sqlite",
        "people": o.people,
        "rate_offered_per_second": o.rate,
        "seconds": o.seconds,
        "driver_processes": o.workers,
        "changes_offered": int(o.rate * o.seconds),
        "approvals_started": len(changes),
        "changes_started": len(changes) * o.batch,
        "changes_approved": sum(c["n"] for c in done),
        "changes_refused": len(changes) * o.batch - sum(c["n"] for c in done),
        "refusal_codes": sorted({c.get("code", "") for c in refused}),
        "changes_per_approval": o.batch,
        "rate_achieved_per_second": round(sum(c["n"] for c in done) / span, 1) if span else None,
        "approval_seconds_p50": round(statistics.median(approval), 3),
        "approval_seconds_p95": round(_quantile(approval, 0.95), 3),
        "driver_behind_schedule_seconds_max": round(max(behind), 2),
        "packets_measured": len(lags),
        "packets_missing_at_hub": len(node["created"]) - len(hub["received"]),
        "lag_seconds_p50": round(statistics.median(lags), 3) if lags else None,
        "lag_seconds_p95": round(_quantile(lags, 0.95), 3) if lags else None,
        "lag_seconds_max": round(max(lags), 3) if lags else None,
        "target_lag_p95_seconds": 2,
        "loadavg_before": load_before,
        "loadavg_after_drive": load_after_drive,
        "loadavg_end": hub_world.loadavg(),
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    batch = f"-batch{o.batch}" if o.batch > 1 else ""
    name = f"hub_lag-{result['database']}-{int(o.rate)}{batch}{o.label}.json"
    (hub_world.ROOT / "bench" / "results" / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "drive":
        p = argparse.ArgumentParser()
        p.add_argument("drive")
        for name in ("--t0", "--rate", "--seconds"):
            p.add_argument(name, type=float, required=True)
        p.add_argument("--worker", type=int, required=True)
        p.add_argument("--workers", type=int, required=True)
        p.add_argument("--batch", type=int, default=1)
        drive(p.parse_args())
    else:
        main()
