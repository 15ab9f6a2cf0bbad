"""The fast canonical form of audit documents is RFC 8785 byte for byte (decision 0005: a
third party recomputes every hash with any JCS implementation), on random documents of the
kind the sanitizer stores and on the awkward ones it falls back for."""

from __future__ import annotations

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from hoso.audit import chain

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | texts
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(texts, documents, max_size=6))
def test_the_fast_form_is_rfc_8785(document) -> None:
    assert chain.canonical(document) == rfc8785.dumps(document)


def test_keys_beyond_the_basic_plane_sort_as_utf16_like_rfc_8785() -> None:
    # U+1F600 sorts before U+E000 in UTF-16 code units, after it in code points.
    document = {"\ue000": 1, "\U0001f600": 2, "a": [1.5, "\x1f"]}
    assert chain.canonical(document) == rfc8785.dumps(document)
    assert chain.canonical(document).index("😀".encode()) < chain.canonical(document).index(
        "\ue000".encode()
    )


def test_an_event_hash_is_the_sha256_of_its_rfc_8785_document() -> None:
    import datetime as dt
    import hashlib

    event = {name: "" for name in chain.CONTENT_FIELDS}
    event.update(
        seq=3,
        occurred_at=dt.datetime(2026, 12, 7, 1, 2, 3, 4, tzinfo=dt.UTC),
        actor_user_id=None,
        sections=["identity"],
        detail={"channel": "api", "đơn vị": "T37", "n": 12},
        prev_hash=chain.GENESIS,
    )
    expected = hashlib.sha256(rfc8785.dumps(chain.event_document(event))).hexdigest()
    assert chain.event_hash(event) == expected
