"""Encrypted, streamed file storage behind one small interface (R-SECRET, R-DIGITIZE).

A stored object is written once and never changed (originals are kept byte for byte; a new
derivative is a new object). Objects are named by a random key, never by a user's file name,
so no name can reach outside the storage root. The filesystem backend seals each object with
the node's active data key (AES-256-GCM, `hoso.core.crypto`) in chunks of `CHUNK` bytes:

    b"HOSOF1\\n" | key fingerprint (16 ascii) | chunk*      chunk = len (4, big endian) | nonce | ct

Each chunk's associated data binds the object key, the chunk's index and whether it is the
last one, so chunks cannot be reordered, moved between objects or cut off without detection.
Reading streams chunk by chunk; memory stays bounded whatever the file size.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.utils.module_loading import import_string

from hoso.core import crypto
from hoso.documents.errors import StorageError

MAGIC = b"HOSOF1\n"
CHUNK = 1024 * 1024
_LEN = struct.Struct(">I")


@dataclass(frozen=True)
class Stored:
    """What was written: the object's key, and the SHA-256 and size of its plaintext."""

    key: str
    sha256: str
    size: int


class Storage(Protocol):
    def put(self, chunks: Iterable[bytes]) -> Stored: ...

    def open(self, key: str) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def raw_path(self, key: str) -> Path | None: ...


def _aad(key: str, index: int, last: bool) -> bytes:
    return f"{key}:{index}:{int(last)}".encode()


def chunks_of(handle: IO[bytes], size: int = CHUNK) -> Iterator[bytes]:
    while block := handle.read(size):
        yield block


class EncryptedFileStorage:
    """Objects under `root/<2 hex>/<key>`, sealed as described in the module docstring."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or not all(c in "0123456789abcdef" for c in key) or len(key) != 32:
            raise StorageError(f"invalid object key {key!r}")
        return self.root / key[:2] / key

    def raw_path(self, key: str) -> Path | None:
        return self._path(key)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def put(self, chunks: Iterable[bytes]) -> Stored:
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".part")
        fp, cipher = crypto.active_data_key()
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "xb") as out:
                os.chmod(tmp, 0o600)
                out.write(MAGIC + fp.encode("ascii"))
                index = 0
                pending: bytes | None = None
                for block in _rechunk(chunks):
                    if pending is not None:
                        _write_chunk(out, cipher, key, index, pending, last=False)
                        index += 1
                    digest.update(block)
                    size += len(block)
                    pending = block
                _write_chunk(out, cipher, key, index, pending or b"", last=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return Stored(key=key, sha256=digest.hexdigest(), size=size)

    def open(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        try:
            handle = open(path, "rb")  # noqa: SIM115 (closed by the generator)
        except FileNotFoundError as exc:
            raise StorageError(f"stored object {key} is missing") from exc
        return _decrypt_stream(handle, key)


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Blocks of exactly CHUNK bytes (the last may be shorter), whatever the caller gives."""
    buffer = bytearray()
    for block in chunks:
        buffer += block
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    if buffer:
        yield bytes(buffer)


def _write_chunk(
    out: IO[bytes], cipher: object, key: str, index: int, data: bytes, *, last: bool
) -> None:
    nonce = secrets.token_bytes(12)
    sealed = cipher.encrypt(nonce, data, _aad(key, index, last))  # type: ignore[attr-defined]
    out.write(_LEN.pack(len(sealed)) + nonce + sealed)


def _decrypt_stream(handle: IO[bytes], key: str) -> Iterator[bytes]:
    with handle:
        head = handle.read(len(MAGIC) + 16)
        if len(head) != len(MAGIC) + 16 or not head.startswith(MAGIC):
            raise StorageError(f"stored object {key} is not a hoso encrypted file")
        try:
            cipher = crypto.data_key(head[len(MAGIC) :].decode("ascii"))
        except (UnicodeDecodeError, crypto.DecryptionError) as exc:
            raise StorageError(f"stored object {key}: unknown data key") from exc
        index = 0
        while True:
            raw_len = handle.read(4)
            if len(raw_len) != 4:
                raise StorageError(f"stored object {key} is truncated")
            (length,) = _LEN.unpack(raw_len)
            if length > CHUNK + 16:
                raise StorageError(f"stored object {key} is damaged")
            nonce = handle.read(12)
            sealed = handle.read(length)
            if len(sealed) != length:
                raise StorageError(f"stored object {key} is truncated")
            last = handle.peek(1)[:1] == b"" if hasattr(handle, "peek") else False
            try:
                data = cipher.decrypt(nonce, sealed, _aad(key, index, last))
            except InvalidTag as exc:
                raise StorageError(f"stored object {key} was altered (chunk {index})") from exc
            yield data
            if last:
                return
            index += 1


def read_bytes(key: str) -> bytes:
    return b"".join(storage().open(key))


def sha256_of(key: str) -> tuple[str, int]:
    """SHA-256 and size of the stored plaintext (raises `StorageError` if it cannot be read)."""
    digest = hashlib.sha256()
    size = 0
    for block in storage().open(key):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def storage() -> Storage:
    backend = getattr(settings, "HOSO_STORAGE_BACKEND", "") or (
        "hoso.documents.storage.EncryptedFileStorage"
    )
    return import_string(backend)(Path(settings.HOSO_STORAGE_DIR))
