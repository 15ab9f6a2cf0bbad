"""Independent verification: OpenSSL, which shares no code with hoso or pyHanko, agrees.

The exact command a third party runs on the two files hoso hands out:

    openssl cms -verify -binary -inform DER -in sig.der -content data.json \\
        -CAfile ca.pem -purpose any -out /dev/null

`-binary` keeps the bytes as they are (no MIME line-ending conversion); `-purpose any` because
an approval certificate is not an e-mail (S/MIME) certificate; `-out /dev/null` because the
content is already at hand.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from signing_support import (  # noqa: F401 - fixtures
    DOCUMENT,
    Pki,
    fixture_pki,
    flip,
    make_pki,
    signature_value_offset,
)

from hoso.signing.canonical import canonical
from hoso.signing.cms import Signature, sign_json
from hoso.signing.keys import KeyAlgorithm

OPENSSL = shutil.which("openssl")


def openssl_verify(
    directory: Path, data: bytes, der: bytes, ca_file: Path, *, inform: str = "DER"
) -> subprocess.CompletedProcess[str]:
    (directory / "data.json").write_bytes(data)
    (directory / "sig.der").write_bytes(der)
    assert OPENSSL, "the openssl command is needed for the independent check"
    return subprocess.run(
        [
            OPENSSL,
            "cms",
            "-verify",
            "-binary",
            "-inform",
            inform,
            "-in",
            str(directory / "sig.der"),
            "-content",
            str(directory / "data.json"),
            "-CAfile",
            str(ca_file),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture(scope="module")
def signed(pki: Pki) -> Signature:
    return sign_json(DOCUMENT, pki.key)


def test_openssl_verifies_the_signature_over_the_canonical_bytes(
    pki: Pki, signed: Signature, tmp_path: Path
) -> None:
    run = openssl_verify(tmp_path, canonical(DOCUMENT), signed.der, pki.ca.cert_path)
    assert run.returncode == 0, run.stderr
    assert "Verification successful" in run.stderr


def test_openssl_refuses_data_with_one_byte_changed(
    pki: Pki, signed: Signature, tmp_path: Path
) -> None:
    data = canonical(DOCUMENT)
    for index in (0, len(data) // 2, len(data) - 1):
        run = openssl_verify(tmp_path, flip(data, index), signed.der, pki.ca.cert_path)
        assert run.returncode != 0
        assert "Verification failure" in run.stderr or "digest failure" in run.stderr


def test_openssl_refuses_an_altered_signature_value(
    pki: Pki, signed: Signature, tmp_path: Path
) -> None:
    start, length = signature_value_offset(signed.der)
    altered = flip(signed.der, start + length // 2)
    run = openssl_verify(tmp_path, canonical(DOCUMENT), altered, pki.ca.cert_path)
    assert run.returncode != 0


def test_openssl_refuses_a_signer_the_given_ca_did_not_certify(
    pki: Pki, signed: Signature, tmp_path: Path
) -> None:
    run = openssl_verify(tmp_path, canonical(DOCUMENT), signed.der, pki.other_ca.cert_path)
    assert run.returncode != 0
    assert "certificate verify error" in run.stderr or "Verify error" in run.stderr


def test_openssl_verifies_ecdsa_signatures_and_pem_form_too(tmp_path: Path) -> None:
    ec = make_pki(tmp_path / "pki", KeyAlgorithm.EC_P256)
    signature = sign_json(DOCUMENT, ec.key)
    run = openssl_verify(
        tmp_path, canonical(DOCUMENT), signature.pem().encode(), ec.ca.cert_path, inform="PEM"
    )
    assert run.returncode == 0, run.stderr


def test_openssl_sees_the_signing_time_and_the_vietnamese_name(
    signed: Signature, tmp_path: Path
) -> None:
    (tmp_path / "sig.der").write_bytes(signed.der)
    assert OPENSSL
    run = subprocess.run(
        [OPENSSL, "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(tmp_path / "sig.der")],
        capture_output=True,
        check=True,
        timeout=60,
    )
    printed = run.stdout.decode("utf-8", "replace")
    assert "signingTime" in printed
    assert "eContent: <ABSENT>" in printed  # detached
    # OpenSSL prints UTF-8 bytes of the subject as \xNN escapes.
    escaped = "".join(
        f"\\x{b:02X}" if b >= 0x80 else chr(b) for b in "Nguyễn Thị Ánh Tuyết".encode()
    )
    assert escaped in printed
