"""`hoso changes verify --person ID --version N [--out DIR]`: check an approval's signature.

Prints the Vietnamese result — signer, certificate, signing time, valid or not, and every
reason — and exits 0 when valid, 1 otherwise (also when the version has no approval
signature). The payload is rebuilt from the change set and version as stored now, so any later
change of either shows as invalid. `--out DIR` also writes `payload.json` (the canonical bytes)
and `signature.der`, and copies the trusted roots to `ca.pem`, for a check without hoso:

    openssl cms -verify -binary -inform DER -in DIR/signature.der \
        -content DIR/payload.json -CAfile DIR/ca.pem -purpose any -out /dev/null
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.changes.signatures import approval_payload_bytes, approval_verify, trust_roots_path
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của phê duyệt thay đổi hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra chữ ký phê duyệt của một phiên bản hồ sơ.")
        verify.add_argument("--person", required=True, help="Số định danh cá nhân.")
        verify.add_argument("--version", type=int, required=True, help="Số phiên bản hồ sơ.")
        verify.add_argument(
            "--out",
            type=Path,
            help="Thư mục ghi payload.json, signature.der và ca.pem để kiểm tra độc lập.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self._verify(options["person"], options["version"], options.get("out"))

    def _verify(self, personal_id: str, number: int, out: Path | None) -> None:
        # pyHanko logs every failed path with a traceback; the result says it in Vietnamese.
        logging.getLogger("pyhanko").setLevel(logging.ERROR)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)
        try:
            result = approval_verify(personal_id, number)
            if out is not None:
                payload, der = approval_payload_bytes(personal_id, number)
                out.mkdir(parents=True, exist_ok=True)
                (out / "payload.json").write_bytes(payload)
                (out / "signature.der").write_bytes(der)
                if trust_roots_path().exists():
                    shutil.copyfile(trust_roots_path(), out / "ca.pem")
        except DomainError as exc:
            self.stderr.write(exc.message)
            sys.exit(1)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp: {exc}") from exc
        self.stdout.write(f"Hồ sơ {personal_id}, phiên bản {number}:")
        stream = self.stdout if result.valid else self.stderr
        for line in result.lines():
            stream.write(line)
        if out is not None:
            self.stdout.write(f"Đã ghi payload.json, signature.der, ca.pem vào {out}.")
        if not result.valid:
            sys.exit(1)
