"""Shared signing test support (imported by the signing tests; not a conftest, whose module
name would shadow the root conftest): a throwaway CA and signers made at run time in a
temporary directory, never in the repository. Keys are made once per test module (RSA-3072
key generation is the slow part). Fixtures are imported as `fixture_<name>` and requested as
`<name>`, so the import does not shadow the test's argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hoso.signing.keys import FileSigningKey, KeyAlgorithm
from hoso.signing.pki import CA, Signer, ca_create, signer_issue

FULL_NAME = "Nguyễn Thị Ánh Tuyết"
ORGANIZATION = "Sở Nội vụ tỉnh Thử Nghiệm"
DOCUMENT = {
    "format": "hoso.changeset.approval/1",
    "changeset": 42,
    "decision": "Quyết định bổ nhiệm Trưởng phòng Tổ chức cán bộ",
    "person": {"ho_ten": "Trần Văn Đức", "ngay_sinh": "1980-05-17"},
    "approved_by": "tuyet.nt",
    "salary_coefficient": 4.4,
}


@dataclass(frozen=True)
class Pki:
    directory: Path
    ca: CA
    signer: Signer
    key: FileSigningKey
    other_ca: CA  # a CA nobody trusts


def make_pki(directory: Path, algorithm: KeyAlgorithm = KeyAlgorithm.RSA_3072) -> Pki:
    ca = ca_create("CA thử nghiệm hoso", directory / "ca", key_algorithm=algorithm)
    signer = signer_issue(
        ca,
        username="tuyet.nt",
        full_name=FULL_NAME,
        organization=ORGANIZATION,
        directory=directory / "signers",
    )
    other = ca_create("CA lạ", directory / "other-ca", key_algorithm=KeyAlgorithm.EC_P256)
    return Pki(directory=directory, ca=ca, signer=signer, key=signer.signing_key(), other_ca=other)


@pytest.fixture(scope="module", name="pki")
def fixture_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module", name="expired_signer")
def fixture_expired_signer(pki: Pki) -> Signer:
    now = datetime.now(UTC)
    return signer_issue(
        pki.ca,
        username="het.han",
        full_name="Lê Văn Hết Hạn",
        organization=ORGANIZATION,
        directory=pki.directory / "expired",
        key_algorithm=KeyAlgorithm.EC_P256,
        valid_from=now - timedelta(days=400),
        valid_until=now - timedelta(days=35),
    )


@pytest.fixture(scope="module", name="future_signer")
def fixture_future_signer(pki: Pki) -> Signer:
    now = datetime.now(UTC)
    return signer_issue(
        pki.ca,
        username="chua.hieu.luc",
        full_name="Phạm Thị Chưa Hiệu Lực",
        organization=ORGANIZATION,
        directory=pki.directory / "future",
        key_algorithm=KeyAlgorithm.EC_P256,
        valid_from=now + timedelta(days=30),
        valid_until=now + timedelta(days=400),
    )


def flip(data: bytes, index: int) -> bytes:
    """`data` with one bit of the byte at `index` changed."""
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def signature_value_offset(der: bytes) -> tuple[int, int]:
    """Where the raw signature value sits inside the DER SignedData (start, length)."""
    from asn1crypto import cms

    value = cms.ContentInfo.load(der)["content"]["signer_infos"][0]["signature"].native
    start = der.rindex(value)
    return start, len(value)
