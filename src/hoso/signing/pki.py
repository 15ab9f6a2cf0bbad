"""A throwaway certification authority for demos and tests, made at run time.

Never committed, never used in production: a production node trusts the certificates its
officials already hold (issued by the Government CA or a licensed CA) and configures only their
roots. `ca_create` writes `ca.key.pem` (PKCS#8, mode 600) and `ca.cert.pem`; `signer_issue`
writes `<username>.key.pem` (mode 600) and `<username>.cert.pem` (the signer's certificate
followed by the CA's, ready for `FileSigningKey.from_files`).

Signer certificates carry what a verifier shows: CN = the full Vietnamese name (UTF8String,
NFC), O = the organization, UID = the username, C = VN; key usage digitalSignature and
nonRepudiation (critical), basicConstraints CA:FALSE. Key type RSA-3072 by default
(docs/decisions/0007-signatures.md says why).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hoso.signing.errors import SigningError
from hoso.signing.keys import (
    FileSigningKey,
    KeyAlgorithm,
    PrivateKey,
    certificates_load,
    certificates_write,
    key_matches_certificate,
    private_key_generate,
    private_key_read,
    private_key_write,
)

CA_KEY_FILE = "ca.key.pem"
CA_CERT_FILE = "ca.cert.pem"
CA_VALIDITY = timedelta(days=5 * 365)
SIGNER_VALIDITY = timedelta(days=2 * 365)
# Clocks of the signing and verifying machines differ a little.
BACKDATE = timedelta(minutes=5)
# X.520 upper bounds (RFC 5280 appendix A).
NAME_MAX = 64
_USERNAME = re.compile(r"[\w@+-][\w.@+-]{0,149}")


@dataclass(frozen=True)
class CA:
    """A root CA: its certificate and private key, and the directory holding their files."""

    certificate: x509.Certificate
    private_key: PrivateKey = field(repr=False)
    directory: Path

    @property
    def cert_path(self) -> Path:
        return self.directory / CA_CERT_FILE

    @property
    def key_path(self) -> Path:
        return self.directory / CA_KEY_FILE


@dataclass(frozen=True)
class Signer:
    """A person's signing certificate (and chain) with the file holding their private key."""

    username: str
    full_name: str
    organization: str
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    key_path: Path
    cert_path: Path

    def signing_key(self, *, passphrase: str | bytes | None = None) -> FileSigningKey:
        return FileSigningKey.from_files(self.key_path, self.cert_path, passphrase=passphrase)


def _text(value: str, what: str, code: str) -> str:
    value = unicodedata.normalize("NFC", (value or "").strip())
    if not value:
        raise SigningError(f"Thiếu {what}.", code=code)
    if len(value) > NAME_MAX:
        raise SigningError(
            f"{what.capitalize()} dài quá {NAME_MAX} ký tự (giới hạn của chứng thư X.509).",
            code=code,
        )
    return value


def _refuse_existing(*paths: Path) -> None:
    """Fail before generating anything, so no orphan key is left beside a refused certificate
    (the exclusive create in `keys` still guards against a race)."""
    for path in paths:
        if path.exists():
            raise SigningError(
                f"Tệp «{path}» đã tồn tại; không ghi đè khóa hoặc chứng thư đang dùng.",
                code="file_exists",
            )


def _now(now: datetime | None) -> datetime:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return moment


def ca_create(
    common_name: str,
    directory: Path,
    *,
    organization: str = "hoso — thử nghiệm",
    key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA_3072,
    passphrase: str | bytes | None = None,
    now: datetime | None = None,
) -> CA:
    """Make a self-signed root CA in `directory` (refuses to overwrite an existing one)."""
    common_name = _text(common_name, "tên tổ chức chứng thực", "ca_name")
    organization = _text(organization, "tên cơ quan", "organization")
    directory = Path(directory)
    _refuse_existing(directory / CA_KEY_FILE, directory / CA_CERT_FILE)
    moment = _now(now)
    key = private_key_generate(key_algorithm)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - BACKDATE)
        .not_valid_after(moment + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    ca = CA(certificate=certificate, private_key=key, directory=directory)
    private_key_write(ca.key_path, key, passphrase=passphrase)
    certificates_write(ca.cert_path, [certificate])
    return ca


def ca_load(directory: Path, *, passphrase: str | bytes | None = None) -> CA:
    directory = Path(directory)
    certificate = certificates_load(directory / CA_CERT_FILE)[0]
    key = private_key_read(directory / CA_KEY_FILE, passphrase=passphrase)
    if not key_matches_certificate(key, certificate):
        raise SigningError(
            "Khóa bí mật của CA không khớp với chứng thư của CA.", code="key_certificate_mismatch"
        )
    return CA(certificate=certificate, private_key=key, directory=directory)


def signer_issue(
    ca: CA,
    *,
    username: str,
    full_name: str,
    organization: str,
    directory: Path,
    key_algorithm: KeyAlgorithm | None = None,
    passphrase: str | bytes | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    now: datetime | None = None,
) -> Signer:
    """Issue a signing certificate for a person and write their key (mode 600) and chain.

    `valid_from`/`valid_until` default to now (less a few minutes) and two years later, never
    beyond the CA's own validity; tests set them to make expired or not-yet-valid certificates.
    The key type follows the CA's unless given.
    """
    if not _USERNAME.fullmatch(username or ""):
        raise SigningError(
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự . @ + - _ (không bắt đầu bằng dấu chấm).",
            code="username",
        )
    full_name = _text(full_name, "họ và tên người ký", "full_name")
    organization = _text(organization, "tên cơ quan", "organization")
    if key_algorithm is None:
        key_algorithm = (
            KeyAlgorithm.EC_P256
            if isinstance(ca.private_key, ec.EllipticCurvePrivateKey)
            else KeyAlgorithm.RSA_3072
        )
    moment = _now(now)
    not_before = valid_from or moment - BACKDATE
    not_after = valid_until or min(moment + SIGNER_VALIDITY, ca.certificate.not_valid_after_utc)
    if not_after <= not_before:
        raise SigningError("Thời hạn chứng thư không hợp lệ.", code="validity")
    directory = Path(directory)
    key_path = directory / f"{username}.key.pem"
    cert_path = directory / f"{username}.cert.pem"
    _refuse_existing(key_path, cert_path)
    key = private_key_generate(key_algorithm)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, full_name),
            x509.NameAttribute(NameOID.USER_ID, username),
        ]
    )
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation: the holder commits to the content
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    private_key_write(key_path, key, passphrase=passphrase)
    certificates_write(cert_path, [certificate, ca.certificate])
    return Signer(
        username=username,
        full_name=full_name,
        organization=organization,
        certificate=certificate,
        chain=(ca.certificate,),
        key_path=key_path,
        cert_path=cert_path,
    )
