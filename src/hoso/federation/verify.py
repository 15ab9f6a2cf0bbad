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

from asn1crypto import cms as asn1_cms
from asn1crypto import tsp  # noqa: F401 - registers signingCertificateV2 before asn1crypto

# builds its reverse map of attribute names on first use; pyHanko's signer needs the name later
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

# Only the two attributes checked here are decoded (by OID: cheaper than asn1crypto's names).
_ATTRIBUTES = {"1.2.840.113549.1.9.4": "message_digest", "1.2.840.113549.1.9.5": "signing_time"}
FUTURE_TOLERANCE_SECONDS = 300  # clocks of node and hub differ a little
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def check(data: bytes, der: bytes, certificate: x509.Certificate) -> str:
    """'' when `der` is `certificate`'s valid signature over `data`, else why not (Vietnamese)."""
    try:
        info = asn1_cms.ContentInfo.load(der, strict=True)
        signer = info["content"]["signer_infos"][0]
        attrs = signer["signed_attrs"]
        values = {
            _ATTRIBUTES[a["type"].dotted]: a["values"][0]
            for a in attrs
            if a["type"].dotted in _ATTRIBUTES
        }
        digest_name = signer["digest_algorithm"]["algorithm"].native
        sid = signer["sid"].chosen
        serial = sid["serial_number"].native
        signature = signer["signature"].native
        algorithm = signer["signature_algorithm"].signature_algo
        signed = b"\x31" + attrs.dump()[1:]  # the SET OF the attributes, as signed (§5.4)
        moment = values["signing_time"].native
        message_digest = values["message_digest"].native
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
