"""Many detached signatures of one key at one moment, each as `cms.sign_bytes` makes it.

An approved import signs one version per dossier (R-CORRECT, docs/decisions/0018): thousands
of signatures by one key within a second. pyHanko spends ~70 ms building each SignedData in
asn1crypto and ~2 ms on the RSA operation. Signatures of one key with the same signingTime
differ in exactly two places: the messageDigest attribute (32 bytes) and the signature value
(as long as the RSA modulus). So the first signature is made by pyHanko (and checked against
the trusted roots by the caller), and each next one is that DER with the digest replaced and
the signed attributes signed again — the same bytes pyHanko would produce for that data and
moment, verifiable the same way (`cms.verify_bytes`, `openssl cms -verify`).

Only RSA PKCS#1 v1.5 keys held in memory (`keys.FileSigningKey`) take this path; any other key
(ECDSA signatures vary in length, a token signs remotely) is signed by pyHanko each time.
"""

from __future__ import annotations

import hashlib

from asn1crypto import cms as asn1_cms
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from hoso.signing.cms import Signature, sign_bytes
from hoso.signing.errors import SigningError
from hoso.signing.keys import SigningKey

_SET_TAG = 0x31  # signed attributes are signed as a SET OF (RFC 5652 §5.4), stored as [0]


class SameMomentSigner:
    """Sign more data like `first` (a `Signature` of `first_data` by `key`): same key,
    certificate chain and signing time; only the digest and the signature value change."""

    def __init__(self, key: SigningKey, first: Signature, first_data: bytes) -> None:
        self.key = key
        self.first = first
        self._template = self._template_of(key, first, first_data)

    @staticmethod
    def _template_of(
        key: SigningKey, first: Signature, first_data: bytes
    ) -> tuple[bytes, bytes, bytes, rsa.RSAPrivateKey] | None:
        private = getattr(key, "private_key", None)
        if not isinstance(private, rsa.RSAPrivateKey):
            return None
        info = asn1_cms.ContentInfo.load(first.der)
        [signer_info] = info["content"]["signer_infos"]
        if signer_info["signature_algorithm"].signature_algo != "rsassa_pkcs1v15":
            return None
        attrs = signer_info["signed_attrs"].dump()
        digest = hashlib.sha256(first_data).digest()
        value = signer_info["signature"].native
        # Each must occur once, or replacing it could touch something else.
        if first.der.count(digest) != 1 or attrs.count(digest) != 1:
            return None
        if first.der.count(value) != 1 or len(value) != private.key_size // 8:
            return None
        return attrs, digest, value, private

    def sign(self, data: bytes) -> Signature:
        if self._template is None:
            return sign_bytes(data, self.key, signing_time=self.first.signing_time)
        attrs, old_digest, old_value, private = self._template
        digest = hashlib.sha256(data).digest()
        signed = bytes([_SET_TAG]) + attrs[1:].replace(old_digest, digest)
        value = private.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        # The public check is ~50 µs; a faulty signature must never be stored.
        private.public_key().verify(value, signed, padding.PKCS1v15(), hashes.SHA256())
        if len(value) != len(old_value):
            raise SigningError("Chữ ký RSA có độ dài bất thường.", code="signing_failed")
        der = self.first.der.replace(old_digest, digest).replace(old_value, value)
        return Signature(
            der=der,
            signer_name=self.first.signer_name,
            certificate_serial=self.first.certificate_serial,
            signing_time=self.first.signing_time,
        )
