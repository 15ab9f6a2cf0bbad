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
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from cryptography.hazmat.primitives import hashes, serialization
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


_SIGNING_TIME_OID = bytes.fromhex("06092a864886f70d010905")  # 1.2.840.113549.1.9.5
_UTC_TIME_TAG = 0x17


@dataclass(frozen=True)
class _Template:
    """A pyHanko-made signature and where its moment-dependent bytes lie.

    Offsets are into `attrs` (the [0] signed attributes as stored) and into `der`; every
    replaced field has a fixed length (a SHA-256 digest, a 13-byte UTCTime, an RSA value as
    long as the modulus), so nothing else moves."""

    der: bytes
    attrs: bytes
    attrs_at: int
    digest_at: int
    time_at: int
    value_at: int
    value_len: int
    private: rsa.RSAPrivateKey
    public: rsa.RSAPublicKey


class AnyMomentSigner:
    """Sign many payloads with one key at any moments, each exactly as `cms.sign_bytes` would.

    The first signature is pyHanko's and becomes the template; each next one is that DER with
    the messageDigest and the signingTime (UTCTime, as pyHanko encodes it: fixed length)
    replaced and the signed attributes signed again with the RSA key, and checked with the
    public key before it is returned. A key that is not RSA PKCS#1 v1.5 in memory, or a moment
    UTCTime cannot hold, is signed by pyHanko each time. ~1 ms instead of ~35 ms per signature.
    """

    def __init__(self, key: SigningKey) -> None:
        self.key = key
        self._template: _Template | None = None
        self._usable = isinstance(getattr(key, "private_key", None), rsa.RSAPrivateKey)
        self._names: tuple[str, str] | None = None

    def sign(self, data: bytes, *, signing_time: datetime | None = None) -> Signature:
        moment = (signing_time or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        if not self._usable:
            return sign_bytes(data, self.key, signing_time=moment)
        template = self._template
        if template is None:
            made = sign_bytes(data, self.key, signing_time=moment)
            # Names first: another thread may sign as soon as the template is there.
            self._names = (made.signer_name, made.certificate_serial)
            self._template = self._template_of(made, data)
            self._usable = self._template is not None
            return made
        try:
            when = asn1_core.UTCTime(moment).contents
        except ValueError:  # outside 1950–2049: pyHanko's own path says what it does
            return sign_bytes(data, self.key, signing_time=moment)
        if len(when) != 13:
            return sign_bytes(data, self.key, signing_time=moment)
        digest = hashlib.sha256(data).digest()
        a, d, t = template.attrs, template.digest_at, template.time_at
        if d < t:
            attrs = a[:d] + digest + a[d + 32 : t] + when + a[t + 13 :]
        else:
            attrs = a[:t] + when + a[t + 13 : d] + digest + a[d + 32 :]
        signed = bytes([_SET_TAG]) + attrs[1:]
        value = template.private.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        # The public check is ~50 µs; a faulty signature must never be stored.
        template.public.verify(value, signed, padding.PKCS1v15(), hashes.SHA256())
        if len(value) != template.value_len:
            raise SigningError("Chữ ký RSA có độ dài bất thường.", code="signing_failed")
        der, s, at = template.der, template.value_at, template.attrs_at
        der = der[:at] + attrs + der[at + len(attrs) : s] + value + der[s + len(value) :]
        name, serial = self._names or ("", "")
        return Signature(der=der, signer_name=name, certificate_serial=serial, signing_time=moment)

    def _template_of(self, made: Signature, data: bytes) -> _Template | None:
        private = getattr(self.key, "private_key", None)
        if not isinstance(private, rsa.RSAPrivateKey):
            return None
        info = asn1_cms.ContentInfo.load(made.der)
        [signer_info] = info["content"]["signer_infos"]
        if signer_info["signature_algorithm"].signature_algo != "rsassa_pkcs1v15":
            return None
        if signer_info["digest_algorithm"]["algorithm"].native != "sha256":
            return None
        attrs = signer_info["signed_attrs"].dump()
        der = made.der
        digest = hashlib.sha256(data).digest()
        value = signer_info["signature"].native
        times = [a for a in signer_info["signed_attrs"] if a["type"].native == "signing_time"]
        if len(times) != 1 or times[0]["values"][0].name != "utc_time":
            return None
        old_time = times[0]["values"][0].chosen.contents
        # The time as encoded after its OID: SET { UTCTime }; each field must occur once, or
        # the offsets could name something else.
        time_field = _SIGNING_TIME_OID + bytes([_SET_TAG, 15, _UTC_TIME_TAG, 13]) + old_time
        if len(old_time) != 13 or attrs.count(time_field) != 1 or attrs.count(digest) != 1:
            return None
        if der.count(attrs) != 1 or der.count(value) != 1 or len(value) != private.key_size // 8:
            return None
        return _Template(
            der=der,
            attrs=attrs,
            attrs_at=der.find(attrs),
            digest_at=attrs.find(digest),
            time_at=attrs.find(time_field) + len(time_field) - 13,
            value_at=der.find(value),
            value_len=len(value),
            private=private,
            public=private.public_key(),
        )


_SIGNERS: dict[tuple[bytes, int], AnyMomentSigner] = {}
_SIGNERS_LOCK = threading.Lock()


def signer_for(key: SigningKey) -> AnyMomentSigner:
    """This process's signer of `key`'s certificate and RSA key, made once: an approval's
    version signature costs ~1 ms instead of pyHanko's ~35 ms (R-CORRECT: same bytes). A key
    loaded again for the same certificate (each approval loads its approver's) finds it; a
    renewed certificate or another key makes a new one. Other keys sign through pyHanko."""
    private = getattr(key, "private_key", None)
    if not isinstance(private, rsa.RSAPrivateKey):
        return AnyMomentSigner(key)
    der = key.certificate.public_bytes(serialization.Encoding.DER)
    ident = (hashlib.sha256(der).digest(), private.public_key().public_numbers().n)
    with _SIGNERS_LOCK:
        signer = _SIGNERS.get(ident)
        if signer is None:
            if len(_SIGNERS) >= 64:  # approvers of one node: a handful; keep it bounded
                _SIGNERS.clear()
            signer = _SIGNERS[ident] = AnyMomentSigner(key)
        return signer


# A process pool's side of bulk signing (the initial load of a node, `federation.outbox`):
# each worker loads the key once and signs its share of payloads with an AnyMomentSigner.
# Nothing here imports Django, so a spawned worker starts without the node's settings.
_POOL_SIGNER: AnyMomentSigner | None = None


def pool_init(key_file: str, certificate_file: str) -> None:
    from pathlib import Path

    from hoso.signing.keys import FileSigningKey

    global _POOL_SIGNER
    _POOL_SIGNER = AnyMomentSigner(
        FileSigningKey.from_files(Path(key_file), Path(certificate_file))
    )


def pool_sign(payloads: list[bytes]) -> list[bytes]:
    """The DER signatures of `payloads`, in order (in a worker after `pool_init`)."""
    if _POOL_SIGNER is None:
        raise SigningError("Tiến trình ký chưa nạp khóa.", code="signing_failed")
    return [_POOL_SIGNER.sign(payload).der for payload in payloads]
