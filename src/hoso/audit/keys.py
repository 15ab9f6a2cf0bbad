"""The Ed25519 key that signs audit checkpoints.

The key lives in a file named by the setting `HOSO_AUDIT_KEY_FILE`. Production requires the
setting (and the file must already exist: `hoso audit keygen --output FILE`). A development or
demo node without the setting gets a key generated into `$HOSO_DATA_DIR/audit-ed25519.pem`
(mode 600), never into the repository. Only the process that seals checkpoints needs to read
the private key; the web process never signs (docs/decisions/0005-audit-chain.md).

Production refuses a key inside `HOSO_DATA_DIR`: whoever can rewrite the database there could
otherwise re-sign the rewritten chain. Keep it on a separate mount the node may only read
(docs/howto/verify-the-audit-trail.md).
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from hoso.core.errors import DomainError

DEV_KEY_NAME = "audit-ed25519.pem"


class AuditKeyError(DomainError):
    """The checkpoint key is missing, unreadable or unsafe; nothing is signed."""

    def __init__(self, message: str, code: str = "audit_key_unavailable") -> None:
        super().__init__(code=code, message=message, status=500)


def key_file_path() -> Path:
    """Where the signing key is: the setting, or the development default in the data dir."""
    configured = getattr(settings, "HOSO_AUDIT_KEY_FILE", None)
    production = getattr(settings, "PRODUCTION", False)
    if configured:
        path = Path(configured).resolve()
        data_dir = Path(getattr(settings, "DATA_DIR", "var")).resolve()
        if production and path.is_relative_to(data_dir):
            raise AuditKeyError(
                f"Tệp khóa ký nhật ký «{path}» nằm trong thư mục dữ liệu «{data_dir}»: ai sửa "
                "được cơ sở dữ liệu cũng ký lại được. Hãy đặt khóa ở phân vùng riêng, nút chỉ "
                "được đọc (HOSO_AUDIT_KEY_FILE).",
                code="audit_key_in_data_dir",
            )
        return path
    if production:
        raise AuditKeyError(
            "Chưa cấu hình HOSO_AUDIT_KEY_FILE: môi trường chính thức phải có tệp khóa ký "
            "điểm niêm phong nhật ký (tạo bằng `hoso audit keygen --output TỆP`).",
            code="audit_key_not_configured",
        )
    return Path(getattr(settings, "DATA_DIR", "var")) / DEV_KEY_NAME


def key_file_write(path: Path) -> Ed25519PrivateKey:
    """Generate a new key into `path` (mode 600); refuses to overwrite an existing file."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise AuditKeyError(
            f"Tệp khóa «{path}» đã tồn tại; không ghi đè khóa đang dùng.", code="audit_key_exists"
        ) from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def private_key(*, create: bool = False) -> Ed25519PrivateKey:
    """Load the signing key; with `create`, a development node generates it on first use."""
    path = key_file_path()
    generated = not getattr(settings, "HOSO_AUDIT_KEY_FILE", None)
    if not path.exists():
        if create and generated:
            return key_file_write(path)
        raise AuditKeyError(f"Không tìm thấy tệp khóa ký nhật ký «{path}».")
    mode = path.stat().st_mode
    if mode & stat.S_IRWXO:
        raise AuditKeyError(
            f"Tệp khóa «{path}» cho mọi người dùng đọc được; hãy đặt quyền 600 (chmod 600).",
            code="audit_key_unsafe",
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise AuditKeyError(f"Không đọc được tệp khóa «{path}»: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"Tệp khóa «{path}» không phải khóa Ed25519.", code="audit_key_type")
    return key


def public_key_if_available() -> Ed25519PublicKey | None:
    """The node's own public key when its key file can be read; verification never creates one."""
    try:
        return private_key(create=False).public_key()
    except AuditKeyError:
        return None


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """Hex SHA-256 of the 32 raw public-key bytes."""
    return hashlib.sha256(raw_public_bytes(public_key)).hexdigest()


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_key_from_pem(text: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(text.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode("ascii")


def signature_valid(public_key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
