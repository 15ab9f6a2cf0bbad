"""Signatures of one key at one moment made from the first one (`signing.batch`, issue 13:
an approved import signs each version, R-CORRECT), and the fast path of canonical JSON:
the same bytes as pyHanko and `rfc8785` would give, verified the same ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import rfc8785
from hypothesis import given
from hypothesis import strategies as st
from signing_support import (  # noqa: F401 - fixtures
    DOCUMENT,
    Pki,
    fixture_pki,
    flip,
    make_pki,
)
from test_signing_openssl import openssl_verify

from hoso.signing.batch import AnyMomentSigner, SameMomentSigner, signer_for
from hoso.signing.canonical import canonical
from hoso.signing.cms import Signature, sign_bytes, verify_bytes
from hoso.signing.keys import KeyAlgorithm


def test_each_next_signature_is_the_one_pyhanko_makes_for_that_moment(pki: Pki) -> None:
    first_data = canonical(DOCUMENT)
    first = sign_bytes(first_data, pki.key)
    signer = SameMomentSigner(pki.key, first, first_data)
    for number in range(3):
        data = canonical({**DOCUMENT, "changeset": 100 + number})
        made = signer.sign(data)
        # RSA PKCS#1 v1.5 is deterministic: pyHanko at the same moment gives the same bytes.
        assert made.der == sign_bytes(data, pki.key, signing_time=first.signing_time).der
        result = verify_bytes(data, made, [pki.ca.certificate])
        assert result.valid, result.reasons
        assert result.signing_time == first.signing_time
        assert made.signer_name == first.signer_name


def test_a_next_signature_does_not_cover_other_data(pki: Pki) -> None:
    first_data = canonical(DOCUMENT)
    signer = SameMomentSigner(pki.key, sign_bytes(first_data, pki.key), first_data)
    data = canonical({**DOCUMENT, "changeset": 7})
    made = signer.sign(data)
    assert verify_bytes(first_data, made, [pki.ca.certificate]).codes == ["data_changed"]
    assert not verify_bytes(flip(data, 10), made, [pki.ca.certificate]).valid


def test_openssl_verifies_a_next_signature(tmp_path: Path, pki: Pki) -> None:
    first_data = canonical(DOCUMENT)
    signer = SameMomentSigner(pki.key, sign_bytes(first_data, pki.key), first_data)
    data = canonical({**DOCUMENT, "decision": "Quyết định nâng lương"})
    run = openssl_verify(tmp_path, data, signer.sign(data).der, pki.ca.cert_path)
    assert run.returncode == 0, run.stderr


def test_an_ecdsa_key_is_signed_by_pyhanko_each_time(tmp_path: Path) -> None:
    ec = make_pki(tmp_path, KeyAlgorithm.EC_P256)
    first_data = canonical(DOCUMENT)
    signer = SameMomentSigner(ec.key, sign_bytes(first_data, ec.key), first_data)
    data = canonical({**DOCUMENT, "changeset": 9})
    made = signer.sign(data)
    result = verify_bytes(data, made, [ec.ca.certificate])
    assert result.valid, result.reasons
    assert result.signing_time == signer.first.signing_time


ascii_keys = st.text(alphabet=st.characters(max_codepoint=127), max_size=8)
plain_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(),  # control characters, quotes, backslashes, Vietnamese, astral planes
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ascii_keys, children, max_size=4)
    ),
    max_leaves=30,
)


@given(plain_values)
def test_the_fast_path_gives_the_bytes_of_rfc_8785(value: object) -> None:
    assert canonical(value) == rfc8785.dumps(value)


@given(st.dictionaries(st.text(max_size=4), st.integers() | st.floats(allow_nan=False)))
def test_what_the_fast_path_leaves_gives_the_bytes_of_rfc_8785(value: dict) -> None:
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        return  # refused by both: the refusals are tested in test_signing_canonical
    assert canonical(value) == expected


def test_a_dossier_like_document_takes_the_fast_path_with_the_same_bytes() -> None:
    document = {
        "identity": {"full_name": "Nguyễn Thị Ánh Tuyết", "birth_date": "1980-05-17"},
        "notes": ['dòng "một"\n\tdòng\\hai\u0001\u2028', "\U0001f600"],
        "count": 2**53 - 1,
        "flags": [True, False, None],
    }
    assert canonical(document) == rfc8785.dumps(document)


def test_any_moment_signatures_are_the_ones_pyhanko_makes(pki: Pki) -> None:
    signer = AnyMomentSigner(pki.key)
    start = pki.key.certificate.not_valid_before_utc + timedelta(seconds=1)
    for number in range(4):
        data = canonical({**DOCUMENT, "changeset": 200 + number})
        moment = start + timedelta(seconds=number * 37)  # each its own moment
        made = signer.sign(data, signing_time=moment)
        assert made.der == sign_bytes(data, pki.key, signing_time=moment).der
        result = verify_bytes(data, made, [pki.ca.certificate])
        assert result.valid, result.reasons
        assert result.signing_time == moment
    assert signer._template is not None  # the RSA fast path was taken after the first


def test_any_moment_signature_says_its_own_moment_and_covers_only_its_data(pki: Pki) -> None:
    signer = AnyMomentSigner(pki.key)
    first_data, data = canonical(DOCUMENT), canonical({**DOCUMENT, "changeset": 8})
    signer.sign(first_data, signing_time=datetime(2026, 1, 1, tzinfo=UTC))  # only a template
    made = signer.sign(data)  # now
    assert made.signing_time is not None
    assert abs((made.signing_time - datetime.now(UTC)).total_seconds()) < 5
    assert Signature.from_bytes(made.der).signing_time == made.signing_time
    assert verify_bytes(first_data, made, [pki.ca.certificate]).codes == ["data_changed"]
    assert not verify_bytes(flip(data, 10), made, [pki.ca.certificate]).valid


def test_openssl_verifies_an_any_moment_signature(tmp_path: Path, pki: Pki) -> None:
    signer = AnyMomentSigner(pki.key)
    signer.sign(canonical(DOCUMENT), signing_time=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    data = canonical({**DOCUMENT, "decision": "Quyết định nâng lương"})
    run = openssl_verify(tmp_path, data, signer.sign(data).der, pki.ca.cert_path)
    assert run.returncode == 0, run.stderr


def test_an_ecdsa_key_is_signed_by_pyhanko_at_any_moment(tmp_path: Path) -> None:
    ec = make_pki(tmp_path, KeyAlgorithm.EC_P256)
    signer = AnyMomentSigner(ec.key)
    for number in range(2):
        data = canonical({**DOCUMENT, "changeset": number})
        moment = ec.key.certificate.not_valid_before_utc + timedelta(seconds=1 + number)
        result = verify_bytes(data, signer.sign(data, signing_time=moment), [ec.ca.certificate])
        assert result.valid, result.reasons
        assert result.signing_time == moment


def test_one_signer_per_certificate_serves_each_fresh_load_of_its_key(tmp_path: Path) -> None:
    # An approval loads its approver's key from files each time; the template is made once.
    pki = make_pki(tmp_path)
    again = pki.signer.signing_key()  # the same files, another key object
    first = signer_for(pki.key)
    assert signer_for(again) is first
    data = canonical({**DOCUMENT, "changeset": 77})
    first.sign(canonical(DOCUMENT))  # the template
    made = signer_for(again).sign(data)
    result = verify_bytes(data, made, [pki.ca.certificate])
    assert result.valid, result.reasons
    other = make_pki(tmp_path / "other")  # another certificate and key: its own signer
    assert signer_for(other.key) is not first
    assert verify_bytes(data, signer_for(other.key).sign(data), [other.ca.certificate]).valid
