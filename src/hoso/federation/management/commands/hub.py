"""`hoso hub serve|node-add|status|registry`: the national hub (docs/decisions/0020).

    hoso hub serve --port P --data-dir D [--web-port W [--web-host H]]
                                              serve over HTTPS with mutual TLS until SIGTERM;
                                              D holds hub.key.pem, hub.cert.pem and ca.pem;
                                              W: the operators' pages (login, /quoc-gia/)
    hoso hub operator-add USERNAME --full-name NAME [--password-file F] [--decision REF]
                                              an operator's account (then `hoso totp enrol`)
    hoso hub node-add --data-dir D --node-id ID --name AGENCY --certificate FILE
    hoso hub status                           each node's lag
    hoso hub registry PERSONAL_ID             the managing node and basic information

The hub's database is the node database of its settings (DATABASE_URL or HOSO_DATA_DIR).
"""

from __future__ import annotations

import json
import secrets
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core.errors import DomainError
from hoso.federation import keys, selectors, server
from hoso.federation.services import hub, operators


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
        serve.add_argument(
            "--web-port", type=int, default=0, help="Cổng trang web cho người vận hành (0: không)."
        )
        serve.add_argument("--web-host", default="127.0.0.1")
        operator = sub.add_parser(
            "operator-add", help="Tạo tài khoản người vận hành Cơ sở dữ liệu quốc gia."
        )
        operator.add_argument("username")
        operator.add_argument("--full-name", required=True)
        operator.add_argument(
            "--password-file", type=Path, help="Tệp chứa mật khẩu (không có: tạo và in một lần)."
        )
        operator.add_argument("--decision", default="", help="Văn bản giao nhiệm vụ.")
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
        web = None
        if o["web_port"]:
            try:
                web = server.pages(o["web_host"], o["web_port"])
            except OSError as exc:
                httpd.server_close()
                raise CommandError(
                    f"Không mở được cổng trang web {o['web_host']}:{o['web_port']}: {exc}."
                ) from exc
            threading.Thread(target=web.serve_forever, name="hub-pages", daemon=True).start()

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Cơ sở dữ liệu quốc gia: https://{o['host']}:{httpd.server_address[1]}")
        if web is not None:
            self.stdout.write(
                f"Trang của người vận hành: http://{o['web_host']}:{web.server_address[1]}/quoc-gia/"
            )
        sys.stdout.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
            if web is not None:
                web.shutdown()
                web.server_close()

    def _operator_add(self, o: dict[str, Any]) -> None:
        password_file = o["password_file"]
        password = (
            password_file.read_text(encoding="utf-8").strip()
            if password_file
            else secrets.token_urlsafe(12)
        )
        account = operators.operator_add(
            acting_user=None,
            username=o["username"],
            full_name=o["full_name"],
            password=password,
            decision_ref=o["decision"],
        )
        self.stdout.write(f"Đã tạo tài khoản {account.username}, vận hành Cơ sở dữ liệu quốc gia.")
        if not password_file:
            self.stdout.write(f"Mật khẩu (chỉ hiện một lần): {password}")
        self.stdout.write(f"Đăng ký mã xác thực: hoso totp enrol {account.username}")

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
