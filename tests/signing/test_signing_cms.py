"""Detached CMS signatures over canonical JSON: valid only for the very bytes, key and roots."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from signing_support import (  # noqa: F401 - fixtures
    DOCUMENT,
    FULL_NAME,
    ORGANIZATION,
    Pki,
    fixture_expired_signer,
    fixture_future_signer,
    fixture_pki,
    flip,
    make_pki,
    signature_value_offset,
)

from hoso.signing.canonical import canonical
from hoso.signing.cms import Signature, serial_hex, sign_bytes, sign_json, verify_bytes, verify_json
from hoso.signing.errors import SigningError
from hoso.signing.keys import FileSigningKey, KeyAlgorithm, private_key_generate
from hoso.signing.pki import Signer


@pytest.fixture(scope="module")
def signed(pki: Pki) -> Signature:
    return sign_json(DOCUMENT, pki.key)


def test_a_signed_document_verifies_and_names_its_signer(pki: Pki, signed: Signature) -> None:
    result = verify_json(DOCUMENT, signed, [pki.ca.certificate])
    assert result.valid, result.reasons
    assert result.reasons == [] and result.codes == []
    assert result.signer_name == FULL_NAME
    assert result.signer_username == "tuyet.nt"
    assert result.organization == ORGANIZATION
    assert result.certificate_serial == serial_hex(pki.signer.certificate)
    assert result.issuer_name == "CA thử nghiệm hoso"
    assert result.signing_time == signed.signing_time
    assert abs(datetime.now(UTC) - result.signing_time) < timedelta(minutes=1)
    assert result.lines()[0].startswith("HỢP LỆ")
    assert any(FULL_NAME in line for line in result.lines())


def test_the_signature_reports_itself_without_being_trusted(signed: Signature) -> None:
    again = Signature.from_bytes(signed.der)
    assert again == signed
    assert Signature.from_bytes(signed.pem().encode("ascii")).der == signed.der
    assert signed.signer_name == FULL_NAME


def test_the_signature_is_detached_and_embeds_the_certificate_chain(
    pki: Pki, signed: Signature
) -> None:
    signed_data = asn1_cms.ContentInfo.load(signed.der)["content"]
    assert signed_data["encap_content_info"]["content"].native is None
    serials = {
        c.chosen["tbs_certificate"]["serial_number"].native for c in signed_data["certificates"]
    }
    assert serials == {pki.signer.certificate.serial_number, pki.ca.certificate.serial_number}
    attributes = {a["type"].native for a in signed_data["signer_infos"][0]["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_time", "signing_certificate_v2"} <= (
        attributes
    )
    assert signed_data["digest_algorithms"][0]["algorithm"].native == "sha256"


def test_the_same_document_in_another_key_order_verifies(pki: Pki, signed: Signature) -> None:
    reordered = dict(reversed(list(DOCUMENT.items())))
    assert verify_json(reordered, signed, [pki.ca.certificate]).valid
    assert verify_json(canonical(DOCUMENT), signed, [pki.ca.certificate]).valid


def test_one_changed_field_makes_it_invalid(pki: Pki, signed: Signature) -> None:
    changed = {**DOCUMENT, "salary_coefficient": 4.65}
    result = verify_json(changed, signed, [pki.ca.certificate])
    assert not result.valid
    assert result.codes == ["data_changed"]
    assert "Dữ liệu đã bị thay đổi sau khi ký" in result.reasons[0]


@pytest.mark.parametrize("where", [0, 17, -1])
def test_one_changed_byte_of_the_data_makes_it_invalid(
    pki: Pki, signed: Signature, where: int
) -> None:
    data = canonical(DOCUMENT)
    result = verify_json(flip(data, where), signed, [pki.ca.certificate])
    assert not result.valid
    assert result.codes == ["data_changed"]


def test_pretty_printed_json_is_not_the_signed_bytes(pki: Pki, signed: Signature) -> None:
    import json

    pretty = json.dumps(DOCUMENT, ensure_ascii=False, indent=2).encode("utf-8")
    assert not verify_json(pretty, signed, [pki.ca.certificate]).valid


def test_an_altered_signature_value_is_invalid(pki: Pki, signed: Signature) -> None:
    start, length = signature_value_offset(signed.der)
    for index in (start, start + length // 2, start + length - 1):
        result = verify_json(DOCUMENT, flip(signed.der, index), [pki.ca.certificate])
        assert not result.valid
        assert result.codes == ["signature_mismatch"]
        assert "Giá trị chữ ký không khớp" in result.reasons[0]


def test_an_altered_signing_time_is_invalid(pki: Pki, signed: Signature) -> None:
    stamp = signed.signing_time.strftime("%y%m%d%H%M%SZ").encode("ascii")
    index = signed.der.index(stamp) + 1  # change the year inside the signed attributes
    result = verify_json(DOCUMENT, flip(signed.der, index), [pki.ca.certificate])
    assert not result.valid
    assert "signature_mismatch" in result.codes


@pytest.mark.parametrize("mangle", ["truncate", "garbage", "empty", "trailing"])
def test_a_mangled_signature_file_is_reported_not_raised(
    pki: Pki, signed: Signature, mangle: str
) -> None:
    der = {
        "truncate": signed.der[:-10],
        "garbage": b"not a signature at all",
        "empty": b"",
        "trailing": signed.der + b"\x00",
    }[mangle]
    result = verify_json(DOCUMENT, der, [pki.ca.certificate])
    assert not result.valid
    assert result.codes == ["signature_malformed"]
    with pytest.raises(SigningError):
        Signature.from_bytes(der)


def test_a_valid_signature_of_other_data_does_not_transfer(pki: Pki) -> None:
    other = sign_json({**DOCUMENT, "changeset": 43}, pki.key)
    result = verify_json(DOCUMENT, other, [pki.ca.certificate])
    assert result.codes == ["data_changed"]


def test_a_certificate_from_an_untrusted_ca_is_invalid(pki: Pki, signed: Signature) -> None:
    result = verify_json(DOCUMENT, signed, [pki.other_ca.certificate])
    assert not result.valid
    assert result.codes == ["untrusted_issuer"]
    assert "không do tổ chức chứng thực được tin cậy cấp" in result.reasons[0]
    assert result.signer_name == FULL_NAME  # still says who claims to have signed


def test_no_trusted_roots_means_nothing_is_trusted(signed: Signature) -> None:
    # Never the operating system's list: an empty list trusts nobody.
    result = verify_json(DOCUMENT, signed, [])
    assert result.codes == ["untrusted_issuer"]


def test_a_signer_with_a_lookalike_ca_is_untrusted(tmp_path: Path, pki: Pki) -> None:
    # Same CA name, different key: the name alone proves nothing.
    impostor = make_pki(tmp_path, KeyAlgorithm.EC_P256)
    assert impostor.ca.certificate.subject == pki.ca.certificate.subject
    signature = sign_json(DOCUMENT, impostor.key)
    assert verify_json(DOCUMENT, signature, [pki.ca.certificate]).codes == ["untrusted_issuer"]
    assert verify_json(DOCUMENT, signature, [impostor.ca.certificate]).valid


def test_an_expired_certificate_is_invalid(pki: Pki, expired_signer: Signer) -> None:
    signature = sign_json(DOCUMENT, expired_signer.signing_key())
    result = verify_json(DOCUMENT, signature, [pki.ca.certificate])
    assert not result.valid
    assert result.codes == ["certificate_expired"]
    assert "Chứng thư số đã hết hạn tại thời điểm ký" in result.reasons[0]


def test_a_signature_made_while_the_certificate_was_valid_stays_valid_after_expiry(
    pki: Pki, expired_signer: Signer
) -> None:
    # A dossier is kept forever; what counts is validity at the signing time.
    during = expired_signer.certificate.not_valid_after_utc - timedelta(days=10)
    signature = sign_json(DOCUMENT, expired_signer.signing_key(), signing_time=during)
    assert verify_json(DOCUMENT, signature, [pki.ca.certificate]).valid


def test_a_certificate_not_yet_valid_is_invalid(pki: Pki, future_signer: Signer) -> None:
    signature = sign_json(DOCUMENT, future_signer.signing_key())
    result = verify_json(DOCUMENT, signature, [pki.ca.certificate])
    assert result.codes == ["certificate_not_yet_valid"]
    assert "chưa có hiệu lực tại thời điểm ký" in result.reasons[0]


def test_a_signing_time_in_the_future_is_invalid(pki: Pki) -> None:
    later = datetime.now(UTC) + timedelta(days=1)
    signature = sign_json(DOCUMENT, pki.key, signing_time=later)
    result = verify_json(DOCUMENT, signature, [pki.ca.certificate])
    assert "signing_time_future" in result.codes
    assert verify_json(DOCUMENT, signature, [pki.ca.certificate], now=later).valid


def test_a_certificate_without_non_repudiation_may_not_sign(pki: Pki, tmp_path: Path) -> None:
    key = private_key_generate(KeyAlgorithm.EC_P256)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Máy chủ web")]))
        .issuer_name(pki.ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
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
        .sign(pki.ca.private_key, hashes.SHA256())
    )
    server_key = FileSigningKey(
        certificate=certificate, chain=(pki.ca.certificate,), private_key=key
    )
    result = verify_json(DOCUMENT, sign_json(DOCUMENT, server_key), [pki.ca.certificate])
    assert result.codes == ["certificate_usage"]


def test_ecdsa_keys_sign_and_verify_too(tmp_path: Path) -> None:
    ec = make_pki(tmp_path, KeyAlgorithm.EC_P256)
    signature = sign_json(DOCUMENT, ec.key)
    assert verify_json(DOCUMENT, signature, [ec.ca.certificate]).valid


def test_signing_works_inside_a_running_event_loop(pki: Pki) -> None:
    async def inside() -> Signature:
        return sign_json(DOCUMENT, pki.key)

    signature = asyncio.run(inside())
    assert verify_json(DOCUMENT, signature, [pki.ca.certificate]).valid


def test_the_key_signs_raw_bytes(pki: Pki) -> None:
    data = "Biên bản họp Hội đồng thi tuyển".encode()
    der = sign_bytes(data, pki.key).der
    assert verify_bytes(data, der, [pki.ca.certificate]).valid
    assert sign_bytes(data, pki.key).signer_name == FULL_NAME


def test_serial_numbers_print_as_whole_bytes_of_upper_case_hex(pki: Pki) -> None:
    text = serial_hex(pki.signer.certificate)
    assert len(text) % 2 == 0 and text == text.upper()
    assert int(text, 16) == pki.signer.certificate.serial_number
