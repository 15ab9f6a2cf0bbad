"""The hub's check of a packet signature by a node whose certificate it registered.

A packet is a detached CMS signature (``signing.cms.sign_json``) over the canonical body. The
node's certificate was checked against the trusted roots once, when the node was registered,
and the TLS handshake proved the sender holds its key; what remains per packet is RFC 5652
§5.4: the messageDigest attribute is the SHA-256 of the body, the signer is that certificate
(issuer and serial), the signature over the signed attributes verifies with its public key, and
the signing time lies within the certificate's validity. That is done here with
``cryptography`` directly (tenths of a millisecond) rather than with pyHanko's full path
validation (tens), so that the hub keeps up with thousands of packets a second
(docs/decisions/0020-national-hub.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from asn1crypto import tsp  # noqa: F401 - registers signingCertificateV2 before asn1crypto

# builds its reverse map of attribute names on first use; pyHanko's signer needs the name later
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

FUTURE_TOLERANCE_SECONDS = 300  # clocks of node and hub differ a little
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

# The DER is read by hand (~15 µs) rather than by asn1crypto (~3 ms a packet, most of the
# hub's time): only the fields checked here, each at the place RFC 5652 puts it; anything
# else, or any length running past its parent, is "unreadable". Nothing read here is trusted
# without the RSA/ECDSA check over the signed attributes with the registered key.
_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2
_MESSAGE_DIGEST = bytes.fromhex("2a864886f70d010904")  # 1.2.840.113549.1.9.4
_SIGNING_TIME = bytes.fromhex("2a864886f70d010905")  # 1.2.840.113549.1.9.5
_DIGESTS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "1.3.14.3.2.26": "sha1",
    "1.2.840.113549.2.5": "md5",
}
_SIGNATURES = {  # as asn1crypto's `signature_algo` names them
    "1.2.840.113549.1.1.1": "rsassa_pkcs1v15",
    "1.2.840.113549.1.1.5": "rsassa_pkcs1v15",
    "1.2.840.113549.1.1.11": "rsassa_pkcs1v15",
    "1.2.840.113549.1.1.12": "rsassa_pkcs1v15",
    "1.2.840.113549.1.1.13": "rsassa_pkcs1v15",
    "1.2.840.113549.1.1.10": "rsassa_pss",
    "1.2.840.10045.2.1": "ecdsa",
    "1.2.840.10045.4.3.2": "ecdsa",
    "1.2.840.10045.4.3.3": "ecdsa",
    "1.2.840.10045.4.3.4": "ecdsa",
}


class _Unreadable(ValueError):
    pass


def _encoded(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        while arc > 0x7F:
            arc >>= 7
            chunk.append(0x80 | (arc & 0x7F))
        out.extend(reversed(chunk))
    return bytes(out)


def _tlv(der: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the element at `pos`, inside `end`."""
    if pos + 2 > end:
        raise _Unreadable
    tag, length = der[pos], der[pos + 1]
    if tag & 0x1F == 0x1F:  # high tag numbers: none in a SignedData we take
        raise _Unreadable
    pos += 2
    if length & 0x80:
        size = length & 0x7F
        if not 1 <= size <= 4 or pos + size > end:  # 0: indefinite length, not DER
            raise _Unreadable
        length = int.from_bytes(der[pos : pos + size], "big")
        pos += size
    if pos + length > end:
        raise _Unreadable
    return tag, pos, pos + length


_DIGEST_NAMES = {_encoded(oid): name for oid, name in _DIGESTS.items()}
_SIGNATURE_NAMES = {_encoded(oid): name for oid, name in _SIGNATURES.items()}


def _children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        element = _tlv(der, start, end)
        out.append(element)
        start = element[2]
    return out


def _only(der: bytes, element: tuple[int, int, int], tag: int) -> tuple[int, int, int]:
    """The single child, of `tag`, of a constructed element."""
    inner = _children(der, element[1], element[2])
    if len(inner) != 1 or inner[0][0] != tag:
        raise _Unreadable
    return inner[0]


def _dotted(encoded: bytes) -> str:
    if not encoded:
        raise _Unreadable
    arcs, value = [], 0
    for byte in encoded:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if encoded[-1] & 0x80:
        raise _Unreadable
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in (first, arcs[0] - 40 * first, *arcs[1:]))


def _algorithm(der: bytes, element: tuple[int, int, int], names: dict[bytes, str]) -> str:
    """The name of an AlgorithmIdentifier's OID (in `names`, or dotted)."""
    tag, start, end = element
    if tag != 0x30:
        raise _Unreadable
    oid_tag, oid_start, oid_end = _tlv(der, start, end)  # parameters after it: not read
    if oid_tag != 0x06:
        raise _Unreadable
    encoded = der[oid_start:oid_end]
    return names.get(encoded) or _dotted(encoded)


def _time(tag: int, text: bytes) -> datetime:
    if tag == 0x17 and len(text) == 13 and text.endswith(b"Z"):  # UTCTime, as DER has it
        year = int(text[:2])
        year += 2000 if year < 50 else 1900  # RFC 5280 §4.1.2.5.1
        rest = text[2:12]
    elif tag == 0x18 and len(text) >= 15 and text.endswith(b"Z"):  # GeneralizedTime
        year, rest = int(text[:4]), text[4:14]
    else:
        raise _Unreadable
    if not rest.isdigit():
        raise _Unreadable
    month, day, hour, minute, second = (int(rest[i : i + 2]) for i in range(0, 10, 2))
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _read(der: bytes) -> tuple[str, int, bytes, str, bytes, datetime, bytes]:
    """digest name, signer serial, signature, signature algorithm, signed bytes, signing
    time, message digest; `_Unreadable` (a ValueError) unless it is a SignedData as RFC 5652
    lays it out."""
    tag, start, end = _tlv(der, 0, len(der))
    if tag != 0x30 or end != len(der):  # nothing after the structure
        raise _Unreadable
    content_info = _children(der, start, end)
    if len(content_info) != 2 or content_info[0][0] != 0x06 or content_info[1][0] != 0xA0:
        raise _Unreadable
    if der[content_info[0][1] : content_info[0][2]] != _SIGNED_DATA:
        raise _Unreadable
    signed_data = _children(der, *_only(der, content_info[1], 0x30)[1:])
    # version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
    if len(signed_data) < 4 or signed_data[0][0] != 0x02 or signed_data[-1][0] != 0x31:
        raise _Unreadable
    signer_infos = _children(der, signed_data[-1][1], signed_data[-1][2])
    if not signer_infos or signer_infos[0][0] != 0x30:
        raise _Unreadable
    fields = _children(der, signer_infos[0][1], signer_infos[0][2])
    # version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1]…
    if len(fields) < 6 or fields[0][0] != 0x02 or fields[1][0] != 0x30:
        raise _Unreadable
    sid = _children(der, fields[1][1], fields[1][2])  # issuerAndSerialNumber
    if len(sid) != 2 or sid[0][0] != 0x30 or sid[1][0] != 0x02:
        raise _Unreadable
    serial = int.from_bytes(der[sid[1][1] : sid[1][2]], "big", signed=True)
    digest_name = _algorithm(der, fields[2], _DIGEST_NAMES)
    attrs_tag, attrs_start, attrs_end = fields[3]
    if attrs_tag != 0xA0 or fields[5][0] != 0x04:
        raise _Unreadable
    algorithm = _algorithm(der, fields[4], _SIGNATURE_NAMES)
    signature = der[fields[5][1] : fields[5][2]]
    found: dict[bytes, tuple[int, int, int]] = {}
    for kind, start, end in _children(der, attrs_start, attrs_end):
        parts = _children(der, start, end)
        if kind != 0x30 or len(parts) != 2 or parts[0][0] != 0x06 or parts[1][0] != 0x31:
            raise _Unreadable
        name = der[parts[0][1] : parts[0][2]]
        if name in (_MESSAGE_DIGEST, _SIGNING_TIME):
            if name in found:  # one of each, or which one was checked is ambiguous
                raise _Unreadable
            values = _children(der, parts[1][1], parts[1][2])
            if len(values) != 1:
                raise _Unreadable
            found[name] = values[0]
    if _MESSAGE_DIGEST not in found or _SIGNING_TIME not in found:
        raise _Unreadable
    digest_tag, digest_start, digest_end = found[_MESSAGE_DIGEST]
    if digest_tag != 0x04:
        raise _Unreadable
    time_tag, time_start, time_end = found[_SIGNING_TIME]
    moment = _time(time_tag, der[time_start:time_end])
    # The SET OF the attributes, as signed (§5.4): the same bytes under the SET tag; the
    # [0] element begins where the digestAlgorithm before it ends.
    signed = b"\x31" + der[fields[2][2] + 1 : attrs_end]
    message_digest = der[digest_start:digest_end]
    return digest_name, serial, signature, algorithm, signed, moment, message_digest


def check(data: bytes, der: bytes, certificate: x509.Certificate) -> str:
    """'' when `der` is `certificate`'s valid signature over `data`, else why not (Vietnamese)."""
    try:
        digest_name, serial, signature, algorithm, signed, moment, message_digest = _read(der)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return "cấu trúc chữ ký không đọc được"
    if digest_name not in _HASHES:
        return f"thuật toán băm «{digest_name}» không được chấp nhận"
    if message_digest != hashlib.new(digest_name, data).digest():
        return "dữ liệu đã bị thay đổi sau khi ký (mã băm không khớp)"
    if serial != certificate.serial_number:
        return "gói được ký bằng chứng thư khác với chứng thư đã đăng ký của nút"
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
        return "chứng thư số của nút không có hiệu lực tại thời điểm ký"
    if (moment - datetime.now(UTC)).total_seconds() > FUTURE_TOLERANCE_SECONDS:
        return "thời điểm ký ở tương lai"
    key = certificate.public_key()
    hash_algorithm = _HASHES[digest_name]()
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm == "rsassa_pkcs1v15":
            key.verify(signature, signed, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm == "ecdsa":
            key.verify(signature, signed, ec.ECDSA(hash_algorithm))
        else:
            return f"thuật toán ký «{algorithm}» không được chấp nhận"
    except InvalidSignature:
        return "giá trị chữ ký không khớp với khóa công khai của nút"
    return ""
