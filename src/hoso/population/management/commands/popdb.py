"""`hoso popdb serve|export|reconcile`: the population database simulator and the jobs using it.

    hoso popdb export --data DIR               the node's people -> DIR/citizens.json
    hoso popdb serve [--port N] [--data DIR] [--seed S] [--extra K]
                     [--latency-ms X] [--fail-rate P] [--wrong-rate P] [--token T]
    hoso popdb reconcile --as USERNAME [--unit CODE]

The simulator serves DIR/citizens.json plus K synthetic citizens in no node (drawn from S) until
SIGTERM/SIGINT. Reconciliation proposes change sets in the name of USERNAME (a clerk or records
manager with the duty over the dossiers), for another records manager to approve.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.population import services, simulator


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Mô phỏng Cơ sở dữ liệu quốc gia về dân cư; đối chiếu hồ sơ với cơ sở dữ liệu này."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="Chạy dịch vụ mô phỏng.")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8090)
        serve.add_argument("--data", type=Path, default=Path("var/popdb"))
        serve.add_argument("--seed", type=int, default=1)
        serve.add_argument(
            "--extra", type=int, default=100, help="Số công dân không thuộc nút nào."
        )
        serve.add_argument("--latency-ms", type=int, default=0)
        serve.add_argument("--fail-rate", type=_rate, default=0.0)
        serve.add_argument("--wrong-rate", type=_rate, default=0.0)
        serve.add_argument("--token", default="")
        export = sub.add_parser("export", help="Ghi công dân của nút này cho dịch vụ mô phỏng.")
        export.add_argument("--data", type=Path, default=Path("var/popdb"))
        reconcile = sub.add_parser("reconcile", help="Đối chiếu hồ sơ, đề xuất thay đổi.")
        reconcile.add_argument("--as", dest="username", required=True)
        reconcile.add_argument("--unit", default=None, help="Mã đơn vị sử dụng.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _serve(self, o: dict[str, Any]) -> None:
        citizens = simulator.read_citizens(o["data"])
        for record in simulator.synthetic(o["seed"], o["extra"]):
            citizens.setdefault(record.personal_id, record)
        behaviour = simulator.Behaviour(
            latency_ms=o["latency_ms"],
            fail_rate=o["fail_rate"],
            wrong_rate=o["wrong_rate"],
            token=o["token"],
        )
        behaviour.rng.seed(o["seed"])
        server = simulator.serve(o["host"], o["port"], citizens, behaviour)

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        port = server.server_address[1]
        self.stdout.write(
            f"Mô phỏng CSDL quốc gia về dân cư: http://{o['host']}:{port} "
            f"({len(citizens)} công dân)"
        )
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def _export(self, o: dict[str, Any]) -> None:
        records = services.export(people=services.people_all())
        count = simulator.write_citizens(o["data"], records)
        self.stdout.write(f"Đã ghi {count} công dân vào {o['data'] / simulator.CITIZENS_FILE}.")

    def _reconcile(self, o: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {o['username']}.")
        result = services.reconcile(acting_user=user, unit_code=o["unit"])
        self.stdout.write(
            f"Đã đối chiếu {result.checked} hồ sơ: {len(result.proposed)} đề xuất thay đổi, "
            f"{result.unchanged} không khác, {result.skipped_open} khác biệt đã đề xuất trước."
        )
        for code, count in sorted(result.failures.items()):
            self.stdout.write(f"  {count} hồ sơ không tra cứu được ({code}).")
