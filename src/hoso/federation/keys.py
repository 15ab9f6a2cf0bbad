"""Where the federation's keys live, and how a demo or test issues them from a throwaway CA.

A node: ``<HOSO_FEDERATION_DIR>/<node id>.key.pem`` and ``.cert.pem`` (its certificate, then
its chain): it signs the node's packets and is its TLS client certificate. The hub:
``<data dir>/hub.key.pem`` and ``hub.cert.pem`` (TLS server certificate, with the hub's host
names, and the key signing its acks). Both trust ``ca.pem`` beside them. In production the
certificates come from the Government CA; only the files change.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from hoso.core.errors import ValidationFailed
from hoso.federation import refusals
from hoso.signing.batch import AnyMomentSigner
from hoso.signing.keys import (
    FileSigningKey,
    certificates_load,
    certificates_write,
    private_key_generate,
    private_key_write,
)
from hoso.signing.pki import CA, SIGNER_VALIDITY, signer_issue

HUB_ID = "hub"
CA_FILE = "ca.pem"


@dataclass(frozen=True)
class Paths:
    key: Path
    cert: Path
    roots: Path


def node_paths(node_id: str | None = None, directory: Path | None = None) -> Paths:
    node_id = node_id or settings.HOSO_FEDERATION_NODE_ID
    directory = Path(directory or settings.HOSO_FEDERATION_DIR)
    return Paths(
        directory / f"{node_id}.key.pem", directory / f"{node_id}.cert.pem", directory / CA_FILE
    )


def hub_paths(directory: Path) -> Paths:
    return Paths(directory / "hub.key.pem", directory / "hub.cert.pem", directory / CA_FILE)


@dataclass(frozen=True)
class HeldKey:
    """A file key whose private key stays loaded for the process's life: pyHanko's
    `SimpleSigner` parses the PKCS#8 bytes again at every signature, and OpenSSL 3 validates an
    RSA key each time it loads one (~170 ms), which a node signing every change cannot afford."""

    inner: FileSigningKey

    @property
    def certificate(self) -> x509.Certificate:
        return self.inner.certificate

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self.inner.chain

    @property
    def private_key(self) -> Any:  # `signing.batch` signs with it directly (RSA)
        return self.inner.private_key

    def cms_signer(self) -> Any:
        signer = self.inner.cms_signer()
        signer.__class__ = _held_signer_class()
        cast(Any, signer).held_key = self.inner.private_key
        return signer


@lru_cache(maxsize=1)
def _held_signer_class() -> type:
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class HeldKeySigner(SimpleSigner):
        held_key: Any

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(self.held_key, rsa.RSAPrivateKey):
                return bytes(self.held_key.sign(data, padding.PKCS1v15(), hash_algorithm))
            if mechanism == "ecdsa" and isinstance(self.held_key, ec.EllipticCurvePrivateKey):
                return bytes(self.held_key.sign(data, ec.ECDSA(hash_algorithm)))
            return bytes(super().sign_raw(data, digest_algorithm))

    return HeldKeySigner


@lru_cache(maxsize=8)
def _key(key: Path, cert: Path) -> HeldKey:
    return HeldKey(FileSigningKey.from_files(key, cert))


def signing_key(paths: Paths) -> HeldKey:
    if not paths.key.exists() or not paths.cert.exists():
        raise ValidationFailed(
            [refusals.problem("node_not_configured")], refusals.message("node_not_configured")
        )
    return _key(paths.key, paths.cert)


@lru_cache(maxsize=8)
def _signer(key: Path, cert: Path) -> AnyMomentSigner:
    return AnyMomentSigner(_key(key, cert))


def signer(paths: Paths) -> AnyMomentSigner:
    """The key's signer of packets and acks: pyHanko's bytes, at ~1 ms instead of ~35 ms a
    signature (`signing.batch.AnyMomentSigner`)."""
    signing_key(paths)  # the same refusal when the files are missing
    return _signer(paths.key, paths.cert)


def roots(paths: Paths) -> list[x509.Certificate]:
    return certificates_load(paths.roots) if paths.roots.exists() else []


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _roots_write(ca: CA, directory: Path) -> None:
    if not (directory / CA_FILE).exists():
        certificates_write(directory / CA_FILE, [ca.certificate])


def node_issue(ca: CA, *, node_id: str, name: str, directory: Path) -> Paths:
    """A node's key and certificate (CN and O = the managing agency, UID = the node id)."""
    signer_issue(ca, username=node_id, full_name=name, organization=name, directory=directory)
    _roots_write(ca, directory)
    return node_paths(node_id, directory)


def hub_issue(
    ca: CA, *, directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> Paths:
    """The hub's TLS server certificate (its host names as subjectAltName), also signing acks."""
    paths = hub_paths(directory)
    key = private_key_generate()
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bộ Nội vụ"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Cơ sở dữ liệu quốc gia về CBCCVC"),
            x509.NameAttribute(NameOID.USER_ID, HUB_ID),
        ]
    )
    now = ca.certificate.not_valid_before_utc
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(min(now + SIGNER_VALIDITY, ca.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # it signs acks, as well as TLS handshakes
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca.private_key, hashes.SHA256())
    )
    private_key_write(paths.key, key)
    certificates_write(paths.cert, [certificate, ca.certificate])
    _roots_write(ca, directory)
    return paths


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
