"""The hub's own reading of a packet signature (`federation.verify`): the same fields as
asn1crypto reads, and any damage to the structure is "unreadable", never an exception."""

from __future__ import annotations

from asn1crypto import cms as asn1_cms
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.federation import keys, verify
from hoso.signing.cms import sign_bytes

DATA = b'{"node":"tinh-a","seq":1}'
UNREADABLE = "cấu trúc chữ ký không đọc được"


def _signature(pki) -> tuple[bytes, object]:
    key = keys.signing_key(pki.nodes["tinh-a"])
    return sign_bytes(DATA, key).der, key.certificate


def test_the_fields_read_by_hand_are_those_asn1crypto_reads(pki) -> None:
    der, certificate = _signature(pki)
    digest, serial, value, algorithm, signed, moment, message_digest = verify._read(der)
    [signer] = asn1_cms.ContentInfo.load(der)["content"]["signer_infos"]
    attrs = {a["type"].native: a["values"][0].native for a in signer["signed_attrs"]}
    assert digest == signer["digest_algorithm"]["algorithm"].native == "sha256"
    assert serial == signer["sid"].chosen["serial_number"].native == certificate.serial_number
    assert value == signer["signature"].native
    assert algorithm == signer["signature_algorithm"].signature_algo
    assert signed == b"\x31" + signer["signed_attrs"].dump()[1:]
    assert moment == attrs["signing_time"] and message_digest == attrs["message_digest"]
    assert verify.check(DATA, der, certificate) == ""


def test_a_signature_with_bytes_after_it_or_cut_short_is_unreadable(pki) -> None:
    der, certificate = _signature(pki)
    assert verify.check(DATA, der + b"\x00", certificate) == UNREADABLE
    for cut in (0, 1, 2, 10, len(der) // 2, len(der) - 1):
        assert verify.check(DATA, der[:cut], certificate) == UNREADABLE


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_damaged_signature_is_refused_with_a_reason_never_an_exception(pki, data) -> None:
    der, certificate = _signature_cached(pki)
    at = data.draw(st.integers(0, len(der) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != der[at]))
    damaged = der[:at] + bytes([byte]) + der[at + 1 :]
    why = verify.check(DATA, damaged, certificate)
    # Some bytes are outside what is checked (the certificates carried along, unsigned
    # fields): those may pass; the signed attributes and the value never do.
    assert isinstance(why, str)
    assert why != "" or not _inside_signed_part(der, at)


_CACHE: dict[int, tuple[bytes, object]] = {}


def _signature_cached(pki) -> tuple[bytes, object]:
    if id(pki) not in _CACHE:
        _CACHE[id(pki)] = _signature(pki)
    return _CACHE[id(pki)]


def _inside_signed_part(der: bytes, at: int) -> bool:
    _, _, value, _, signed, _, _ = verify._read(der)
    attrs_at = der.find(signed[1:])
    value_at = der.find(value)
    return attrs_at <= at < attrs_at + len(signed) - 1 or value_at <= at < value_at + len(value)
