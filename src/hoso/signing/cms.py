"""Detached CMS signatures (RFC 5652 SignedData, DER) over canonical JSON, and their check.

`sign_json(obj, key)` signs `canonical(obj)` (RFC 8785) with SHA-256; the SignedData carries no
content (detached), one SignerInfo with the signed attributes contentType, messageDigest,
signingTime, signingCertificateV2 (binds the certificate, RFC 5035) and
cmsAlgorithmProtection (RFC 6211), and embeds the signer's certificate and chain, root
included, so a verifier needs only the root it already trusts. pyHanko builds the structure,
so a key on a PKCS#11 token or at a remote service produces the same bytes around its raw
signature. Anyone can check it without hoso:

    openssl cms -verify -binary -inform DER -in sig.der -content data.json \
        -CAfile ca.pem -purpose any -out /dev/null

`verify_json` answers valid or not, with Vietnamese reasons: the data changed, the signature
does not match, the certificate is not issued by a trusted root, was expired or not yet valid
at the signing time, may not sign (key usage), or the structure is unreadable. Certificates are
checked *at the signing time the signer claims* (signingTime): a dossier is kept forever and
outlives every certificate. That time is the signer's own claim; until an RFC 3161 time stamp
is added, the independent witness of when a signature arrived is the audit event recorded with
it (docs/decisions/0007-signatures.md). No network is ever used: no CRL or OCSP fetching.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from asn1crypto import cms as asn1_cms
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from hoso.core.errors import Problem
from hoso.signing.canonical import canonical
from hoso.signing.errors import SigningError
from hoso.signing.keys import SigningKey

# pyHanko is imported inside the functions that use it: it takes half a second to load (and
# warns about DSA), and most commands of a node never sign or verify.

DIGEST_ALGORITHM = "sha256"
FORMAT = "cms-detached-sha256/1"
# A signing time this far after the verifier's clock is refused (clock skew allowance).
FUTURE_TOLERANCE = timedelta(minutes=5)
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's async API from sync code, also when a loop already runs in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def vn_time(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM:SS in Vietnam's time zone, as a Vietnamese reader expects."""
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S") + " (giờ Việt Nam)"


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def serial_hex(certificate: x509.Certificate) -> str:
    """The serial number as certificate viewers print it: upper-case hex, whole bytes."""
    text = format(certificate.serial_number, "X")
    return text.zfill(len(text) + len(text) % 2)


def _to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _from_asn1(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


@dataclass(frozen=True)
class Signature:
    """A detached CMS signature (DER) and what it says about itself (unverified)."""

    der: bytes
    signer_name: str
    certificate_serial: str
    signing_time: datetime | None
    format: str = FORMAT

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """From DER, or PEM (`-----BEGIN CMS-----` / `PKCS7`); refuses anything else."""
        if data.lstrip().startswith(b"-----BEGIN"):
            try:
                _, _, data = asn1_pem.unarmor(data.strip())
            except ValueError as exc:
                raise _malformed() from exc
        try:
            _, signer_info, certificate = _parse(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise _malformed() from exc
        from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

        return cls(
            der=data,
            signer_name=_attribute(certificate.subject, NameOID.COMMON_NAME),
            certificate_serial=serial_hex(certificate),
            signing_time=extract_self_reported_ts(signer_info),
        )

    def base64(self) -> str:
        return base64.b64encode(self.der).decode("ascii")

    def pem(self) -> str:
        return asn1_pem.armor("CMS", self.der).decode("ascii")


def _malformed() -> SigningError:
    return SigningError(
        "Tệp chữ ký không phải chữ ký CMS/PKCS#7 tách rời hợp lệ (DER hoặc PEM).",
        code="signature_malformed",
    )


def _parse(der: bytes) -> tuple[asn1_cms.SignedData, asn1_cms.SignerInfo, x509.Certificate]:
    from pyhanko.sign.general import extract_certificate_info, extract_signer_info

    info = asn1_cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not SignedData")
    signed_data = info["content"]
    signer_info = extract_signer_info(signed_data)
    certificate = _from_asn1(extract_certificate_info(signed_data).signer_cert)
    return signed_data, signer_info, certificate


def sign_bytes(data: bytes, key: SigningKey, *, signing_time: datetime | None = None) -> Signature:
    """Detached CMS signature over exactly `data`.

    `signing_time` (aware) defaults to now; setting it is for back-filled demo data only — it
    is the signer's claim and verification treats it so.
    """
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    moment = (signing_time or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    content_info = _run(
        key.cms_signer().async_sign_general_data(
            data,
            DIGEST_ALGORITHM,
            detached=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=moment),
        )
    )
    return Signature(
        der=content_info.dump(),
        signer_name=_attribute(key.certificate.subject, NameOID.COMMON_NAME),
        certificate_serial=serial_hex(key.certificate),
        signing_time=moment,
    )


def sign_json(obj: Any, key: SigningKey, *, signing_time: datetime | None = None) -> Signature:
    """Sign the RFC 8785 canonical bytes of `obj` (see `hoso.signing.canonical`)."""
    return sign_bytes(canonical(obj), key, signing_time=signing_time)


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of a check. `reasons` (Vietnamese) and `codes` are empty when valid."""

    valid: bool
    signer_name: str = ""
    signer_username: str = ""
    organization: str = ""
    certificate_serial: str = ""
    issuer_name: str = ""
    signing_time: datetime | None = None
    data_sha256: str = ""
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> list[str]:
        return [problem.message for problem in self.problems]

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    def lines(self) -> list[str]:
        """The result as a Vietnamese report, one line each."""
        head = "HỢP LỆ: chữ ký số đúng." if self.valid else "KHÔNG HỢP LỆ: chữ ký số không đúng."
        lines = [head]
        if self.signer_name:
            who = self.signer_name
            if self.signer_username:
                who += f" (tên đăng nhập {self.signer_username})"
            if self.organization:
                who += f", {self.organization}"
            lines.append(f"Người ký: {who}")
        if self.certificate_serial:
            lines.append(
                f"Chứng thư số: số hiệu {self.certificate_serial}, do «{self.issuer_name}» cấp"
            )
        if self.signing_time:
            lines.append(f"Thời điểm ký (người ký khai): {vn_time(self.signing_time)}")
        if self.data_sha256:
            lines.append(f"Mã băm SHA-256 của dữ liệu: {self.data_sha256}")
        lines.extend(f"Lý do: {p.message} [{p.code}]" for p in self.problems)
        return lines


_TRUST_MESSAGES = {
    "NO_CERTIFICATE_CHAIN_FOUND": (
        "untrusted_issuer",
        "Chứng thư số của người ký không do tổ chức chứng thực được tin cậy cấp (không dựng được "
        "chuỗi chứng thư tới chứng thư gốc tin cậy).",
    ),
    "CHAIN_CONSTRAINTS_FAILURE": (
        "certificate_usage",
        "Chứng thư số không được phép dùng để ký xác nhận nội dung (thiếu mục đích "
        "nonRepudiation) hoặc vi phạm ràng buộc của chuỗi chứng thư.",
    ),
    "REVOKED_NO_POE": ("certificate_revoked", "Chứng thư số của người ký đã bị thu hồi."),
    "REVOKED_CA_NO_POE": (
        "issuer_revoked",
        "Chứng thư của tổ chức chứng thực cấp cho người ký đã bị thu hồi.",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE": (
        "weak_algorithm",
        "Thuật toán của chữ ký hoặc chứng thư không còn được chấp nhận.",
    ),
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": (
        "weak_algorithm",
        "Thuật toán của chữ ký hoặc chứng thư không còn được chấp nhận.",
    ),
}
# When the signer's certificate was outside its validity at the signing time, our own check
# says so with dates, and pyHanko's indication for the same cause adds nothing.
_VALIDITY_INDICATIONS = {
    "OUT_OF_BOUNDS_NO_POE",
    "OUT_OF_BOUNDS_NOT_REVOKED",
    "EXPIRED",
    "NOT_YET_VALID",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE",
}
_UNTRUSTED = Problem(*_TRUST_MESSAGES["NO_CERTIFICATE_CHAIN_FOUND"])
MAX_CHAIN = 8


def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _reaches_trusted_root(
    certificate: x509.Certificate,
    others: list[x509.Certificate],
    roots: list[x509.Certificate],
) -> bool:
    """Does a chain of signatures (not merely of names) lead from `certificate` to a root?

    Checked before pyHanko's path validation so that a look-alike CA — same name, another
    key — is reported plainly as untrusted (pyHanko matches issuers by name first, and trips
    over a root whose key type differs from the one that signed).
    """
    current = certificate
    for _ in range(MAX_CHAIN):
        for root in roots:
            if current == root or _issued_by(current, root):
                return True
        parent = next(
            (c for c in others if c != current and _issued_by(current, c)),
            None,
        )
        if parent is None:
            return False
        current = parent
    return False


def _validity_problems(certificate: x509.Certificate, moment: datetime) -> list[Problem]:
    if moment < certificate.not_valid_before_utc:
        return [
            Problem(
                "certificate_not_yet_valid",
                f"Chứng thư số chưa có hiệu lực tại thời điểm ký: hiệu lực từ "
                f"{vn_time(certificate.not_valid_before_utc)}, ký lúc {vn_time(moment)}.",
            )
        ]
    if moment > certificate.not_valid_after_utc:
        return [
            Problem(
                "certificate_expired",
                f"Chứng thư số đã hết hạn tại thời điểm ký: hết hạn "
                f"{vn_time(certificate.not_valid_after_utc)}, ký lúc {vn_time(moment)}.",
            )
        ]
    return []


def verify_bytes(
    data: bytes,
    signature: Signature | bytes,
    trust_roots: Iterable[x509.Certificate],
    *,
    now: datetime | None = None,
) -> VerificationResult:
    """Check a detached CMS signature over exactly `data` against the given roots only.

    Never raises for a bad signature: every failure is a reason in the result. Only the given
    `trust_roots` are trusted (never the operating system's list).
    """
    from pyhanko.sign.general import extract_certificate_info
    from pyhanko.sign.validation.generic_cms import (
        async_validate_detached_cms,
        extract_self_reported_ts,
    )
    from pyhanko_certvalidator import ValidationContext

    der = signature.der if isinstance(signature, Signature) else bytes(signature)
    digest = hashlib.sha256(data).hexdigest()
    now = now or datetime.now(UTC)
    try:
        signed_data, signer_info, certificate = _parse(der)
    except (ValueError, KeyError, TypeError):
        error = _malformed()
        return VerificationResult(
            valid=False, data_sha256=digest, problems=(Problem(error.code, error.message),)
        )

    problems: list[Problem] = []
    signing_time = extract_self_reported_ts(signer_info)
    if signing_time is None:
        problems.append(
            Problem("signing_time_missing", "Chữ ký không ghi thời điểm ký (signingTime).")
        )
    elif signing_time > now + FUTURE_TOLERANCE:
        problems.append(
            Problem(
                "signing_time_future",
                f"Thời điểm ký {vn_time(signing_time)} ở sau thời điểm hiện tại; đồng hồ máy ký "
                "sai hoặc chữ ký đã bị ghi sai ngày.",
            )
        )
    moment = signing_time or now
    validity = _validity_problems(certificate, moment)
    problems.extend(validity)

    roots = list(trust_roots)
    others = [_from_asn1(cert) for cert in extract_certificate_info(signed_data).other_certs]
    trusted = _reaches_trusted_root(certificate, others, roots)
    if not trusted:
        problems.append(_UNTRUSTED)
    context = ValidationContext(
        # An untrusted signer is checked for integrity only, against no root at all.
        trust_roots=[_to_asn1(root) for root in roots] if trusted else [],
        moment=moment,
        allow_fetching=False,  # closed networks: no CRL/OCSP/AIA fetching, ever
        revocation_mode="soft-fail",
    )
    try:
        status = _run(
            async_validate_detached_cms(data, signed_data, signer_validation_context=context)
        )
    except AssertionError:  # pyHanko asserts key types while checking certificate signatures
        problems.append(
            Problem(
                "chain_invalid",
                "Không kiểm tra được chuỗi chứng thư: chứng thư gốc tin cậy cùng tên nhưng khác "
                "loại khóa với chứng thư đã ký.",
            )
        )
    except (ValueError, KeyError, TypeError) as exc:
        problems.insert(
            0,
            Problem(
                "signature_malformed",
                "Cấu trúc chữ ký không hợp lệ hoặc không phải chữ ký tách rời "
                f"(chi tiết kỹ thuật: {exc}).",
            ),
        )
    else:
        if not status.intact:
            problems.insert(
                0,
                Problem(
                    "data_changed",
                    "Dữ liệu đã bị thay đổi sau khi ký (mã băm không khớp với mã băm đã ký).",
                ),
            )
        elif not status.valid:
            problems.insert(
                0,
                Problem(
                    "signature_mismatch",
                    "Giá trị chữ ký không khớp với chứng thư số (chữ ký hoặc thuộc tính đã ký bị "
                    "sửa, hoặc ký bằng khóa khác).",
                ),
            )
        indication = status.trust_problem_indic
        if status.intact and status.valid and indication is not None:
            name = indication.name if isinstance(indication, Enum) else str(indication)
            if not trusted or (name in _VALIDITY_INDICATIONS and validity):
                pass  # already explained: untrusted, or out of validity (with dates)
            elif name in _TRUST_MESSAGES:
                problems.append(Problem(*_TRUST_MESSAGES[name]))
            else:
                problems.append(
                    Problem(
                        "chain_invalid",
                        "Chuỗi chứng thư không hợp lệ tại thời điểm ký (chứng thư của tổ chức "
                        f"chứng thực hết hạn, chưa có hiệu lực hoặc sai ràng buộc) [{name}].",
                    )
                )

    return VerificationResult(
        valid=not problems,
        signer_name=_attribute(certificate.subject, NameOID.COMMON_NAME),
        signer_username=_attribute(certificate.subject, NameOID.USER_ID),
        organization=_attribute(certificate.subject, NameOID.ORGANIZATION_NAME),
        certificate_serial=serial_hex(certificate),
        issuer_name=_attribute(certificate.issuer, NameOID.COMMON_NAME),
        signing_time=signing_time,
        data_sha256=digest,
        problems=tuple(problems),
    )


def verify_json(
    obj_or_bytes: Any,
    signature: Signature | bytes,
    trust_roots: Iterable[x509.Certificate],
    *,
    now: datetime | None = None,
) -> VerificationResult:
    """Check a signature made by `sign_json`.

    `bytes` are taken as the canonical bytes themselves (a file written by the signer);
    anything else is a JSON value and is canonicalized first.
    """
    if isinstance(obj_or_bytes, bytes | bytearray | memoryview):
        data = bytes(obj_or_bytes)
    else:
        data = canonical(obj_or_bytes)
    return verify_bytes(data, signature, trust_roots, now=now)
