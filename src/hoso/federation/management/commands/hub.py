"""`hoso hub serve|node-add|status|registry`: the national hub (docs/decisions/0020).

    hoso hub serve --port P --data-dir D      serve over HTTPS with mutual TLS until SIGTERM;
                                              D holds hub.key.pem, hub.cert.pem and ca.pem
    hoso hub node-add --data-dir D --node-id ID --name AGENCY --certificate FILE
    hoso hub status                           each node's lag
    hoso hub registry PERSONAL_ID             the managing node and basic information

The hub's database is the node database of its settings (DATABASE_URL or HOSO_DATA_DIR).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core.errors import DomainError
from hoso.federation import keys, selectors, server
from hoso.federation.services import hub


class Command(BaseCommand):
    help = (
        "Cơ sở dữ liệu quốc gia (nút trung tâm): nhận gói dữ liệu của các nút, sổ đăng ký quốc gia."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="Chạy dịch vụ HTTPS (xác thực hai chiều).")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8443)
        serve.add_argument("--data-dir", type=Path, required=True)
        add = sub.add_parser("node-add", help="Đăng ký (hoặc gia hạn chứng thư của) một nút.")
        add.add_argument("--data-dir", type=Path, required=True)
        add.add_argument("--node-id", required=True)
        add.add_argument("--name", required=True, help="Tên cơ quan quản lý.")
        add.add_argument("--certificate", type=Path, required=True)
        sub.add_parser("status", help="Độ trễ của từng nút.")
        registry = sub.add_parser("registry", help="Tra cứu sổ đăng ký quốc gia.")
        registry.add_argument("personal_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _serve(self, o: dict[str, Any]) -> None:
        paths = keys.hub_paths(o["data_dir"])
        for path in (paths.key, paths.cert, paths.roots):
            if not path.exists():
                raise CommandError(
                    f"Thiếu tệp {path} (khóa, chứng thư của nút trung tâm, CA tin cậy)."
                )
        httpd = server.serve(o["host"], o["port"], paths)

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Cơ sở dữ liệu quốc gia: https://{o['host']}:{httpd.server_address[1]}")
        sys.stdout.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()

    def _node_add(self, o: dict[str, Any]) -> None:
        paths = keys.hub_paths(o["data_dir"])
        node = hub.node_register(
            node_id=o["node_id"],
            name=o["name"],
            certificate_pem=o["certificate"].read_bytes(),
            trust_roots=keys.roots(paths),
        )
        self.stdout.write(f"Đã đăng ký nút {node.node_id} ({node.name}).")

    def _status(self, o: dict[str, Any]) -> None:
        for row in selectors.lag():
            self.stdout.write(
                f"{row['node']} ({row['agency']}): đã nhận đến gói {row['last_seq']}, nút báo "
                f"{row['reported_head']}, còn chậm {row['lag']} gói."
            )
        figures = selectors.statistics()
        self.stdout.write(f"Sổ đăng ký quốc gia: {figures['total']} người.")
        for node, count in sorted(figures["by_node"].items()):
            self.stdout.write(f"  {node}: {count} người")

    def _registry(self, o: dict[str, Any]) -> None:
        entry = selectors.registry_get(o["personal_id"])
        if entry is None:
            raise CommandError(
                f"Số định danh {o['personal_id']} chưa có trong sổ đăng ký quốc gia."
            )
        self.stdout.write(json.dumps(entry, ensure_ascii=False, indent=1))
