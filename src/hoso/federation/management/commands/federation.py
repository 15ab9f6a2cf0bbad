"""`hoso federation send|status`: the node's side of the national database.

    hoso federation send [--once] [--batch N] [--interval S]
        send the outbox to the hub (HOSO_HUB_URL) until SIGTERM, at least once, in order
    hoso federation status
        how many packets wait, and the last refusal
    hoso federation enqueue-all [--workers N] [--no-progress]
        the initial load: a packet for each dossier no packet names yet
    hoso federation handover --personal-id ID --to NODE --user USERNAME
        hand a dossier over to another node: `hoso handover send` (docs/howto/handover.md)
    hoso federation demo [--port P] [--dir D] [--people N]
        the hub on P, provinces A and B on P+1 and P+2, the population simulator on P+3,
        the hub's operators' pages on P+4

The node is HOSO_FEDERATION_NODE_ID, its key and certificate in HOSO_FEDERATION_DIR.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.federation import client, demo, refusals, selectors
from hoso.federation.services import outbox, sender


class Command(BaseCommand):
    help = "Gửi gói dữ liệu của nút lên Cơ sở dữ liệu quốc gia."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Gửi hàng đợi gói dữ liệu (chạy liên tục).")
        send.add_argument("--once", action="store_true", help="Gửi một lượt rồi dừng.")
        send.add_argument("--batch", type=int, default=500)
        send.add_argument("--interval", type=float, default=0.05)
        sub.add_parser("status", help="Số gói chờ gửi.")
        enqueue = sub.add_parser(
            "enqueue-all", help="Nạp ban đầu: mỗi hồ sơ chưa gửi thành một gói."
        )
        enqueue.add_argument(
            "--workers", type=int, default=0, help="Số tiến trình ký (mặc định: số lõi CPU)."
        )
        enqueue.add_argument(
            "--no-progress", action="store_true", help="Không in tiến độ sau mỗi phần."
        )
        handover = sub.add_parser("handover", help="Bàn giao hồ sơ cho nút khác.")
        handover.add_argument("--personal-id", required=True, help="Số định danh cá nhân.")
        handover.add_argument("--to", required=True, help="Mã nút tiếp nhận.")
        handover.add_argument("--user", required=True, help="Tên đăng nhập người thực hiện.")
        handover.add_argument("--output", default=None, help="Thư mục ghi gói bàn giao.")
        demo = sub.add_parser("demo", help="Trình diễn: nút trung tâm, hai tỉnh, CSDL dân cư.")
        demo.add_argument("--port", type=int, default=8440, help="Cổng đầu tiên (nút trung tâm).")
        demo.add_argument("--dir", type=Path, default=Path("var/federation-demo"))
        demo.add_argument("--people", type=int, default=200, help="Số hồ sơ của tỉnh A.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "demo":
            return self._demo(options)
        if not settings.HOSO_FEDERATION_NODE_ID or not settings.HOSO_HUB_URL:
            raise CommandError(refusals.message("node_not_configured") + " Thiếu HOSO_HUB_URL?")
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        sys.stdout.flush()

    def _send(self, o: dict[str, Any]) -> None:
        if o["once"]:
            try:
                result = sender.send_once(batch_size=o["batch"])
            except (client.HubUnavailable, sender.BadAck) as exc:
                raise CommandError(str(exc)) from exc
            self._say(f"Đã gửi {result.sent} gói, được xác nhận {result.acked}.")
            if result.refused:
                raise CommandError(f"Bị từ chối [{result.refused}].")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
        self._say(f"Nút {settings.HOSO_FEDERATION_NODE_ID} gửi lên {settings.HOSO_HUB_URL}.")
        sender.run(stop=stop, interval=o["interval"], batch_size=o["batch"], say=self._say)

    def _demo(self, o: dict[str, Any]) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
        plan = demo.Plan(directory=o["dir"].resolve(), port=o["port"], people=o["people"])
        demo.run(plan, self._say, stop)

    def _handover(self, o: dict[str, Any]) -> None:
        # By name: the hand-over sits in `exchange` (beside the archive), above `federation`.
        args = ["send", "--personal-id", o["personal_id"], "--to", o["to"], "--user", o["user"]]
        call_command("handover", *args, *(["--output", o["output"]] if o["output"] else []))

    def _enqueue_all(self, o: dict[str, Any]) -> None:
        count = outbox.dossiers_enqueue(
            say=None if o["no_progress"] else self._say, workers=o["workers"] or None
        )
        self._say(f"Đã đưa {count} hồ sơ vào hàng đợi gửi Cơ sở dữ liệu quốc gia.")

    def _status(self, o: dict[str, Any]) -> None:
        node_id = settings.HOSO_FEDERATION_NODE_ID
        self._say(f"Còn {selectors.pending_count(node_id)} gói chờ gửi.")
        failed = selectors.first_refused(node_id)
        if failed:
            self._say(f"Gói số {failed.seq} bị từ chối: {failed.last_error}")
