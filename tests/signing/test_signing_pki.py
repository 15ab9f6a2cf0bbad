"""The throwaway CA: certificates that name the signer, keys that only their owner can read."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from signing_support import (  # noqa: F401 - fixtures
    FULL_NAME,
    ORGANIZATION,
    Pki,
    fixture_pki,
)

from hoso.signing.errors import SigningError
from hoso.signing.keys import (
    FileSigningKey,
    KeyAlgorithm,
    SigningKey,
    certificates_load,
    private_key_read,
)
from hoso.signing.pki import ca_create, ca_load, signer_issue


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_ca_is_a_root_that_may_only_issue_certificates(pki: Pki) -> None:
    cert = pki.ca.certificate
    assert cert.subject == cert.issuer
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    assert isinstance(cert.public_key(), rsa.RSAPublicKey)
    assert cert.public_key().key_size == 3072


def test_the_signer_certificate_names_the_person_in_vietnamese_utf8(pki: Pki) -> None:
    cert = pki.signer.certificate
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == FULL_NAME
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ORGANIZATION
    assert subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == "tuyet.nt"
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    assert cert.issuer == pki.ca.certificate.subject
    # The DER string types: the name must be UTF8String, not a lossy Teletex/BMP string.
    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    kinds = {
        attribute["type"].native: attribute["value"].name
        for rdn in parsed.subject.chosen
        for attribute in rdn
    }
    assert kinds["common_name"] == "utf8_string"
    assert kinds["organization_name"] == "utf8_string"


def test_the_signer_certificate_may_sign_with_non_repudiation_and_nothing_else(pki: Pki) -> None:
    cert = pki.signer.certificate
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not (usage.value.key_cert_sign or usage.value.key_encipherment)
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.not_valid_after_utc <= pki.ca.certificate.not_valid_after_utc


def test_keys_are_pkcs8_pem_files_readable_only_by_their_owner(pki: Pki) -> None:
    for path in (pki.ca.key_path, pki.signer.key_path):
        assert _mode(path) == 0o600
        assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert _mode(pki.signer.cert_path) == 0o644


def test_the_certificate_file_holds_the_chain_after_the_signer(pki: Pki) -> None:
    bundle = certificates_load(pki.signer.cert_path)
    assert bundle == [pki.signer.certificate, pki.ca.certificate]
    key = FileSigningKey.from_files(pki.signer.key_path, pki.signer.cert_path)
    assert key.certificate == pki.signer.certificate
    assert key.chain == (pki.ca.certificate,)
    assert isinstance(key, SigningKey)


def test_a_key_readable_by_others_is_refused(pki: Pki, tmp_path: Path) -> None:
    copy = tmp_path / "copy.key.pem"
    copy.write_bytes(pki.signer.key_path.read_bytes())
    os.chmod(copy, 0o640)
    with pytest.raises(SigningError) as caught:
        private_key_read(copy)
    assert caught.value.code == "key_unsafe"
    assert "chmod 600" in caught.value.message


def test_a_key_that_does_not_match_the_certificate_is_refused(pki: Pki) -> None:
    with pytest.raises(SigningError) as caught:
        FileSigningKey.from_files(pki.ca.key_path, pki.signer.cert_path)
    assert caught.value.code == "key_certificate_mismatch"


def test_existing_files_are_never_overwritten(pki: Pki) -> None:
    before = pki.signer.key_path.read_bytes()
    with pytest.raises(SigningError) as caught:
        signer_issue(
            pki.ca,
            username="tuyet.nt",
            full_name=FULL_NAME,
            organization=ORGANIZATION,
            directory=pki.signer.key_path.parent,
        )
    assert caught.value.code == "file_exists"
    assert pki.signer.key_path.read_bytes() == before


def test_a_passphrase_encrypts_the_keys(tmp_path: Path) -> None:
    ca = ca_create(
        "CA có mật khẩu", tmp_path / "ca", key_algorithm=KeyAlgorithm.EC_P256, passphrase="bí mật"
    )
    assert ca.key_path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(SigningError) as caught:
        ca_load(tmp_path / "ca")
    assert caught.value.code == "key_passphrase"
    with pytest.raises(SigningError) as caught:
        ca_load(tmp_path / "ca", passphrase="sai")
    assert caught.value.code == "key_unreadable"
    loaded = ca_load(tmp_path / "ca", passphrase="bí mật")
    signer = signer_issue(
        loaded,
        username="an.nv",
        full_name="Nguyễn Văn An",
        organization="Bộ Nội vụ",
        directory=tmp_path / "signers",
        passphrase="khác",
    )
    assert isinstance(signer.certificate.public_key(), ec.EllipticCurvePublicKey)
    assert isinstance(signer.signing_key(passphrase="khác"), FileSigningKey)


def test_names_are_stored_in_nfc(tmp_path: Path, pki: Pki) -> None:
    signer = signer_issue(
        pki.ca,
        username="duc.tv",
        full_name="Tra\u0302\u0300n Va\u0306n \u0110u\u031b\u0301c",  # decomposed (NFD)
        organization=ORGANIZATION,
        directory=tmp_path,
        key_algorithm=KeyAlgorithm.EC_P256,
    )
    assert signer.full_name == "Trần Văn Đức"
    cn = signer.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "Trần Văn Đức"


@pytest.mark.parametrize(
    ("username", "full_name", "code"),
    [
        ("../evil", "Kẻ Xấu", "username"),
        (".hidden", "Kẻ Xấu", "username"),
        ("", "Kẻ Xấu", "username"),
        ("an.nv", "   ", "full_name"),
        ("an.nv", "Nguyễn " * 12, "full_name"),
    ],
)
def test_bad_signer_details_are_refused_before_anything_is_written(
    pki: Pki, tmp_path: Path, username: str, full_name: str, code: str
) -> None:
    with pytest.raises(SigningError) as caught:
        signer_issue(
            pki.ca,
            username=username,
            full_name=full_name,
            organization=ORGANIZATION,
            directory=tmp_path / "out",
        )
    assert caught.value.code == code
    assert not (tmp_path / "out").exists()


def test_an_inverted_validity_is_refused(pki: Pki, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with pytest.raises(SigningError) as caught:
        signer_issue(
            pki.ca,
            username="an.nv",
            full_name="Nguyễn Văn An",
            organization=ORGANIZATION,
            directory=tmp_path,
            valid_from=now,
            valid_until=now - timedelta(days=1),
        )
    assert caught.value.code == "validity"
