"""Signing keys, wherever they live, and the PEM files of the file-backed kind.

`SigningKey` is the seam: anything with a certificate, its chain and a pyHanko `Signer` can
sign a detached CMS signature (`hoso.signing.cms`) and, later, a PAdES PDF. `FileSigningKey`
keeps the private key in a PKCS#8 PEM file (mode 600, optionally encrypted with a
passphrase); a PKCS#11 token or a remote signing service plugs in as another implementation
whose `cms_signer()` returns pyHanko's `PKCS11Signer` or a `Signer` subclass calling the
service (docs/decisions/0007-signatures.md). The CMS structure is built once, by pyHanko,
whatever makes the raw signature.
"""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from hoso.signing.errors import SigningError

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class KeyAlgorithm(enum.StrEnum):
    """Key types a node issues; RSA-3072 by default (see the decision record for why)."""

    RSA_3072 = "rsa-3072"
    EC_P256 = "ec-p256"


def private_key_generate(algorithm: KeyAlgorithm = KeyAlgorithm.RSA_3072) -> PrivateKey:
    if algorithm == KeyAlgorithm.RSA_3072:
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if algorithm == KeyAlgorithm.EC_P256:
        return ec.generate_private_key(ec.SECP256R1())
    raise SigningError(f"Thuật toán khóa «{algorithm}» không được hỗ trợ.", code="key_algorithm")


def _passphrase_bytes(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None or passphrase in ("", b""):
        return None
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase


def _write_new(path: Path, content: bytes, mode: int) -> None:
    """Create `path` with `mode`; never overwrite (a key in use must not be replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise SigningError(
            f"Tệp «{path}» đã tồn tại; không ghi đè khóa hoặc chứng thư đang dùng.",
            code="file_exists",
        ) from exc
    os.fchmod(fd, mode)  # exactly `mode`, whatever the process umask (the CLI's is 077)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def private_key_write(
    path: Path, key: PrivateKey, *, passphrase: str | bytes | None = None
) -> None:
    """Write `key` as PKCS#8 PEM, mode 600, encrypted when a passphrase is given."""
    secret = _passphrase_bytes(passphrase)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    _write_new(path, pem, 0o600)


def private_key_read(path: Path, *, passphrase: str | bytes | None = None) -> PrivateKey:
    """Load a PKCS#8 PEM key; refuses a file that group or others may read."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SigningError(f"Không tìm thấy tệp khóa «{path}».", code="key_missing") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SigningError(
            f"Tệp khóa «{path}» cho người khác đọc được; hãy đặt quyền 600 (chmod 600).",
            code="key_unsafe",
        )
    try:
        key = serialization.load_pem_private_key(
            path.read_bytes(), password=_passphrase_bytes(passphrase)
        )
    except TypeError as exc:  # encrypted without a passphrase, or the reverse
        raise SigningError(
            f"Tệp khóa «{path}» cần (hoặc không cần) mật khẩu: {exc}", code="key_passphrase"
        ) from exc
    except (OSError, ValueError) as exc:
        raise SigningError(
            f"Không đọc được tệp khóa «{path}» (sai mật khẩu hoặc tệp hỏng).", code="key_unreadable"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError(
            f"Tệp khóa «{path}» không phải khóa RSA hoặc ECDSA.", code="key_algorithm"
        )
    return key


def certificates_pem(certificates: Iterable[x509.Certificate]) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certificates)


def certificates_write(path: Path, certificates: Iterable[x509.Certificate]) -> None:
    """Write certificates as a PEM bundle (public: mode 644), first the holder's own."""
    _write_new(path, certificates_pem(certificates), 0o644)


def certificates_load(source: Path | bytes) -> list[x509.Certificate]:
    """Certificates from a PEM bundle or a single DER certificate (file path or bytes)."""
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise SigningError(
                f"Không đọc được tệp chứng thư «{source}».", code="certificate_unreadable"
            ) from exc
    else:
        data = source
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        where = f"«{source}»" if isinstance(source, Path) else "đã cho"
        raise SigningError(
            f"Tệp chứng thư {where} không chứa chứng thư X.509 hợp lệ.",
            code="certificate_unreadable",
        ) from exc


def key_matches_certificate(key: PrivateKey, certificate: x509.Certificate) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.public_key().public_bytes(*fmt) == certificate.public_key().public_bytes(*fmt)


@runtime_checkable
class SigningKey(Protocol):
    """A private key able to sign, with the certificate that names its holder.

    `certificate` is the signer's own end-entity certificate; `chain` the issuing CA
    certificates (intermediates first, then the root), embedded in every signature so that a
    verifier needs only the trusted root. `cms_signer()` returns the pyHanko signer that makes
    the raw signature: in memory here, on a PKCS#11 token or at a remote service elsewhere.
    """

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def chain(self) -> Sequence[x509.Certificate]: ...

    def cms_signer(self) -> Signer: ...


@dataclass(frozen=True)
class FileSigningKey:
    """A signing key held in a PKCS#8 PEM file next to its certificate (PEM bundle)."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    private_key: PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        if not key_matches_certificate(self.private_key, self.certificate):
            raise SigningError(
                "Khóa bí mật không khớp với chứng thư số đã cho.", code="key_certificate_mismatch"
            )

    @classmethod
    def from_files(
        cls,
        key_file: Path,
        certificate_file: Path,
        *,
        passphrase: str | bytes | None = None,
        chain_files: Iterable[Path] = (),
    ) -> FileSigningKey:
        """Load the key and a PEM bundle whose first certificate is the holder's own and the
        rest its chain; `chain_files` add further CA certificates."""
        bundle = certificates_load(certificate_file)
        chain = list(bundle[1:])
        for path in chain_files:
            chain.extend(certificates_load(path))
        return cls(
            certificate=bundle[0],
            chain=tuple(chain),
            private_key=private_key_read(key_file, passphrase=passphrase),
        )

    def cms_signer(self) -> Signer:
        # pyHanko takes half a second to import (and warns about DSA): only when signing.
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        chain = [
            asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
            for cert in self.chain
        ]
        signer = _loaded_signer_class(SimpleSigner)(
            signing_cert=asn1_x509.Certificate.load(
                self.certificate.public_bytes(serialization.Encoding.DER)
            ),
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )
        signer.loaded_key = self.private_key
        return signer


_LOADED_SIGNER: type | None = None


def _loaded_signer_class(base: type) -> type:
    """pyHanko's `SimpleSigner` loads the private key again from DER for every signature —
    about 0.7 s for an RSA key on this machine, OpenSSL checking the key each time — which
    made each signed approval (and résumé) cost most of a second. This subclass signs RSA
    PKCS#1 v1.5 and ECDSA with the key already loaded (the same operation), and leaves any
    other mechanism to pyHanko."""
    global _LOADED_SIGNER
    if _LOADED_SIGNER is None:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        class LoadedKeySigner(base):
            loaded_key: PrivateKey | None = None

            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
                try:
                    name = mechanism.signature_algo
                except ValueError:
                    name = mechanism["algorithm"].native
                digest = get_pyca_cryptography_hash(digest_algorithm)
                key = self.loaded_key
                if name == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                    return key.sign(data, PKCS1v15(), digest)
                if name == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                    return key.sign(data, ec.ECDSA(digest))
                return super().sign_raw(data, digest_algorithm)

        _LOADED_SIGNER = LoadedKeySigner
    return _LOADED_SIGNER
