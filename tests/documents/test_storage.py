"""Stored files are encrypted, streamed, and any change on disk is detected (R-SECRET)."""

import os

import pytest

from hoso.documents import storage as store
from hoso.documents.errors import StorageError

pytestmark = pytest.mark.django_db


def _put(data: bytes, block: int = 7000) -> store.Stored:
    return store.storage().put(data[i : i + block] for i in range(0, len(data), block))


def test_round_trip_of_a_file_larger_than_one_chunk_keeps_every_byte():
    data = os.urandom(store.CHUNK * 2 + 12345)
    stored = _put(data, block=300_000)
    assert stored.size == len(data)
    assert store.read_bytes(stored.key) == data
    assert store.sha256_of(stored.key) == (stored.sha256, len(data))


def test_an_empty_object_round_trips():
    stored = _put(b"")
    assert store.read_bytes(stored.key) == b""


def test_nothing_readable_is_on_disk():
    secret = "Nguyễn Thị Hằng — 001185012345".encode() * 100
    stored = _put(secret)
    raw = store.storage().raw_path(stored.key).read_bytes()
    assert b"001185012345" not in raw
    assert oct(os.stat(store.storage().raw_path(stored.key)).st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("damage", ["flip", "truncate_chunk", "drop_last_chunk", "swap"])
def test_any_change_on_disk_is_refused(damage):
    stored = _put(os.urandom(store.CHUNK + 500), block=store.CHUNK)
    path = store.storage().raw_path(stored.key)
    raw = bytearray(path.read_bytes())
    head = len(store.MAGIC) + 16
    first = 4 + 12 + store.CHUNK + 16
    if damage == "flip":
        raw[head + 100] ^= 1
    elif damage == "truncate_chunk":
        raw = raw[:-10]
    elif damage == "drop_last_chunk":
        raw = raw[: head + first]
    else:  # another object's content under this key
        other = _put(os.urandom(100))
        raw = bytearray(store.storage().raw_path(other.key).read_bytes())
    path.write_bytes(bytes(raw))
    with pytest.raises(StorageError):
        store.read_bytes(stored.key)


def test_keys_are_never_paths():
    for key in ("../etc/passwd", "", "A" * 32, "0" * 31):
        with pytest.raises(StorageError):
            store.storage().raw_path(key)
