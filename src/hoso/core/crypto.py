"""Encryption at rest of sensitive fields: AES-GCM envelope encryption and blind indexes.

The master key (32 random bytes, base64) is read from `HOSO_MASTER_KEY_FILE`; development
and demo nodes generate one in their data directory. Data keys live in `core.DataKey`,
wrapped by the master key. A stored value is `e1.<key fingerprint>.<base64url(nonce|ct)>`,
its associated data the column it belongs to, so a ciphertext cannot be moved to another
column. Equality search on an encrypted identifier uses a keyed blind index (HMAC-SHA256).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from hoso.core.env import ConfigError
from hoso.core.models import DataKey

PREFIX = "e1."
_lock = threading.Lock()
_keys: dict[str, bytes] = {}  # fingerprint → data key (process cache)
_ciphers: dict[str, AESGCM] = {}
_active: dict[str, str] = {}  # purpose → fingerprint of the active key


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted (wrong master key, altered ciphertext)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def master_key_path() -> Path:
    configured = os.environ.get("HOSO_MASTER_KEY_FILE")
    if configured:
        return Path(configured)
    if getattr(settings, "PRODUCTION", False):
        raise ConfigError("HOSO_MASTER_KEY_FILE must be set in production")
    return Path(settings.DATA_DIR) / "master.key"


def generate_master_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")


def read_master_key(path: Path | None = None) -> bytes:
    path = path or master_key_path()
    if (
        not path.exists()
        and not getattr(settings, "PRODUCTION", False)
        and path == master_key_path()
    ):
        generate_master_key(path)
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"master key file {path} cannot be read: {exc}") from exc
    if len(key) != 32:
        raise ConfigError(f"master key file {path} must hold 32 bytes in base64")
    return key


def wrap(master: bytes, key: bytes) -> str:
    nonce = secrets.token_bytes(12)
    return _b64(nonce + AESGCM(master).encrypt(nonce, key, b"hoso-data-key"))


def unwrap(master: bytes, wrapped: str) -> bytes:
    raw = _unb64(wrapped)
    try:
        return AESGCM(master).decrypt(raw[:12], raw[12:], b"hoso-data-key")
    except InvalidTag as exc:
        raise DecryptionError("a data key does not open with this master key") from exc


def _load_all() -> None:
    master = read_master_key()
    for row in DataKey.objects.all():
        if row.fingerprint not in _keys:
            _keys[row.fingerprint] = unwrap(master, row.wrapped)
        if row.active:
            _active[row.purpose] = row.fingerprint


def _active_key(purpose: str) -> tuple[str, bytes]:
    with _lock:
        fp = _active.get(purpose)
        if fp is None:
            _load_all()
            fp = _active.get(purpose)
        if fp is None:
            # Created by the migrations; made here only if they were removed (test flushes).
            fp = create_data_key(purpose)
        return fp, _keys[fp]


def create_data_key(purpose: str) -> str:
    """Make a new active data key for `purpose` (the old one stays to decrypt old values)."""
    master = read_master_key()
    key = secrets.token_bytes(32)
    fp = fingerprint(key)
    DataKey.objects.filter(purpose=purpose, active=True).update(active=False)
    DataKey.objects.create(
        purpose=purpose,
        fingerprint=fp,
        wrapped=wrap(master, key),
        master_fingerprint=fingerprint(master),
        active=True,
    )
    _keys[fp] = key
    _active[purpose] = fp
    return fp


def forget_keys() -> None:
    """Drop the process cache (after a rotation, or in tests)."""
    with _lock:
        _keys.clear()
        _active.clear()
        _ciphers.clear()


def _cipher(fp: str, key: bytes) -> AESGCM:
    cipher = _ciphers.get(fp)
    if cipher is None:
        cipher = _ciphers[fp] = AESGCM(key)
    return cipher


def encrypt(plaintext: str, aad: str) -> str:
    fp, key = _active_key("data")
    nonce = secrets.token_bytes(12)
    sealed = _cipher(fp, key).encrypt(nonce, plaintext.encode("utf-8"), aad.encode("utf-8"))
    return f"{PREFIX}{fp}.{_b64(nonce + sealed)}"


def is_encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def decrypt(token: str, aad: str) -> str:
    try:
        _, fp, payload = token.split(".", 2)
    except ValueError as exc:
        raise DecryptionError("not an encrypted value") from exc
    key = _keys.get(fp)
    if key is None:
        with _lock:
            _load_all()
        key = _keys.get(fp)
    if key is None:
        raise DecryptionError(f"unknown data key {fp}")
    raw = _unb64(payload)
    try:
        return _cipher(fp, key).decrypt(raw[:12], raw[12:], aad.encode("utf-8")).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionError(f"value of {aad} was altered or belongs elsewhere") from exc


def active_data_key() -> tuple[str, AESGCM]:
    """The active data key (fingerprint, cipher), for callers that seal their own framing
    (streamed files in `hoso.documents.storage`)."""
    fp, key = _active_key("data")
    return fp, _cipher(fp, key)


def data_key(fp: str) -> AESGCM:
    """The cipher of the data key `fp` (active or retired), or `DecryptionError`."""
    key = _keys.get(fp)
    if key is None:
        with _lock:
            _load_all()
        key = _keys.get(fp)
    if key is None:
        raise DecryptionError(f"unknown data key {fp}")
    return _cipher(fp, key)


def blind_index(value: str, purpose: str) -> str:
    """A keyed, deterministic digest for equality search; reveals nothing without the key."""
    _, key = _active_key("index")
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:32]
