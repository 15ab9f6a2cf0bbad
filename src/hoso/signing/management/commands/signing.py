"""`hoso signing verify | demo-ca`: check a detached signature; make a throwaway CA.

`verify --data FILE --signature FILE --ca FILE` prints the Vietnamese result (signer,
certificate, signing time, valid or not) and exits 0 when valid, 1 otherwise. The data file is
taken byte for byte (the canonical JSON the signer wrote); the signature may be DER or PEM;
`--ca` is a PEM bundle of trusted roots and may be repeated.

`demo-ca --output DIR [--signer USERNAME=Họ và tên] …` creates `DIR/ca/` and one key and
certificate per signer in `DIR/signers/`, for demos and tests only (refused in production).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.signing.cms import Signature, serial_hex, verify_bytes
from hoso.signing.errors import SigningError
from hoso.signing.keys import KeyAlgorithm, certificates_load
from hoso.signing.pki import ca_create, signer_issue

DEMO_CA_NAME = "CA thử nghiệm hoso (không dùng chính thức)"
DEMO_ORGANIZATION = "Cơ quan thử nghiệm"


def _signer_spec(text: str) -> tuple[str, str]:
    username, _, full_name = text.partition("=")
    return username.strip(), (full_name.strip() or username.strip())


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số tách rời; tạo tổ chức chứng thực thử nghiệm."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra chữ ký CMS tách rời của một tệp dữ liệu.")
        verify.add_argument("--data", type=Path, required=True, help="Tệp dữ liệu đã ký.")
        verify.add_argument(
            "--signature", type=Path, required=True, help="Tệp chữ ký CMS (DER hoặc PEM)."
        )
        verify.add_argument(
            "--ca",
            type=Path,
            action="append",
            required=True,
            help="Chứng thư gốc tin cậy (PEM, có thể nhiều); lặp lại được.",
        )
        demo = sub.add_parser(
            "demo-ca", help="Tạo CA thử nghiệm và chứng thư ký cho các người dùng (chỉ để demo)."
        )
        demo.add_argument("--output", type=Path, required=True, help="Thư mục mới để ghi.")
        demo.add_argument(
            "--signer",
            action="append",
            default=[],
            metavar="USERNAME=HỌ_VÀ_TÊN",
            help="Người ký: tên đăng nhập và họ tên đầy đủ; lặp lại được.",
        )
        demo.add_argument("--organization", default=DEMO_ORGANIZATION, help="Tên cơ quan (O).")
        demo.add_argument("--ca-name", default=DEMO_CA_NAME, help="Tên của CA thử nghiệm (CN).")
        demo.add_argument(
            "--key-algorithm",
            choices=["rsa-3072", "ec-p256"],
            default="rsa-3072",
            help="Loại khóa (mặc định RSA-3072).",
        )
        demo.add_argument(
            "--passphrase-file",
            type=Path,
            help="Tệp chứa mật khẩu mã hóa các khóa bí mật (mặc định: không mã hóa).",
        )

    def handle(self, *args: object, action: str, **options: object) -> None:
        try:
            if action == "verify":
                self._verify(options["data"], options["signature"], options["ca"])  # type: ignore[arg-type]
            elif action == "demo-ca":
                self._demo_ca(**options)  # type: ignore[arg-type]
        except SigningError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from exc

    def _verify(self, data: Path, signature: Path, ca_files: list[Path]) -> None:
        try:
            content = data.read_bytes()
            signature_bytes = signature.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        roots = [cert for path in ca_files for cert in certificates_load(path)]
        if signature_bytes.lstrip().startswith(b"-----BEGIN"):
            signature_bytes = Signature.from_bytes(signature_bytes).der
        # pyHanko logs every failed path with a traceback; the result below says it in Vietnamese.
        logging.getLogger("pyhanko").setLevel(logging.ERROR)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)
        result = verify_bytes(content, signature_bytes, roots)
        stream = self.stdout if result.valid else self.stderr
        for line in result.lines():
            stream.write(line)
        if not result.valid:
            sys.exit(1)

    def _demo_ca(
        self,
        *,
        output: Path,
        signer: list[str],
        organization: str,
        ca_name: str,
        key_algorithm: str,
        passphrase_file: Path | None,
        **_: object,
    ) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "Không tạo CA thử nghiệm trên môi trường chính thức: hãy dùng chứng thư số do tổ "
                "chức chứng thực được cấp phép cấp."
            )
        passphrase = None
        if passphrase_file is not None:
            try:
                passphrase = passphrase_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"Không đọc được tệp mật khẩu: {exc}") from exc
        specs = [_signer_spec(text) for text in signer]
        algorithm = KeyAlgorithm(key_algorithm)
        ca = ca_create(ca_name, output / "ca", key_algorithm=algorithm, passphrase=passphrase)
        self.stdout.write(f"Đã tạo CA thử nghiệm: {ca.cert_path} (khóa {ca.key_path}, quyền 600)")
        for username, full_name in specs:
            issued = signer_issue(
                ca,
                username=username,
                full_name=full_name,
                organization=organization,
                directory=output / "signers",
                passphrase=passphrase,
            )
            self.stdout.write(
                f"Đã cấp chứng thư cho {issued.full_name} ({issued.username}): {issued.cert_path}"
                f", số hiệu {serial_hex(issued.certificate)}"
            )
