"""Helpers for the résumé, stamping and trace tests: the node's seal key in the session's
throwaway PKI, a richer dossier, poppler's `pdfsig` with an NSS database trusting that CA."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session", name="seal_key_ready")
def seal_key_ready_fixture(signing_keys):
    """A key and certificate for the pseudo-user `hoso-node` beside the personas' keys, from
    the same session CA (`demo_pki_ensure` is idempotent)."""
    from hoso.demo.pki import DemoSigner, demo_pki_ensure
    from hoso.documents import stamping
    from hoso.signing.keys import KeyAlgorithm

    demo_pki_ensure(
        [DemoSigner(stamping.SEAL_USERNAME, stamping.SEAL_NAME, "Cơ quan thử nghiệm")],
        directory=signing_keys,
        key_algorithm=KeyAlgorithm.EC_P256,
    )
    return signing_keys


@pytest.fixture(scope="session", name="nss_db")
def nss_db_fixture(seal_key_ready, tmp_path_factory) -> str:
    """An NSS database (certutil) trusting the session CA, for `pdfsig -nssdir`."""
    directory = tmp_path_factory.mktemp("nss")
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{directory}",
            "-n",
            "hoso-ca",
            "-t",
            "C,C,C",
            "-i",
            str(Path(seal_key_ready) / "ca.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return f"sql:{directory}"


def pdfsig(content: bytes, nssdir: str, tmp_path: Path) -> str:
    """poppler's report on every signature of `content`."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdfsig", "-nssdir", nssdir, str(path)], capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr


def pdfsig_blocks(report: str) -> dict[str, str]:
    """The report per signed field (name → its lines); empty fields are left out."""
    blocks = {}
    for block in report.split("Signature #")[1:]:
        name = re.search(r"Signature Field Name: (\S+)", block)
        if name and "is not signed" not in block:
            blocks[name.group(1)] = block
    return blocks


def rich_dossier(**overrides: Any) -> dict[str, Any]:
    """A dossier with something in every table of the form: both family sides, party,
    military, awards, an assessment, several salary steps."""
    from conftest import dossier

    data = dossier(
        full_name="Trần Thị Hồng Nhung",
        sex="F",
        identity={"other_names": "Nhung"},
        employment={"file_number": "STC-0042"},
        party=[{"admission_date": "2010-05-19", "official_date": "2011-05-19"}],
        military=[],
        awards=[
            {
                "award_date": "2020-12-20",
                "form_code": list_code("award_form"),
                "reason": "Hoàn thành xuất sắc nhiệm vụ",
            }
        ],
        family=[
            {
                "side": "own",
                "relation_code": "father",
                "full_name": "Trần Văn Quý",
                "birth_year": 1955,
                "home_town": "Nam Định",
                "occupation": "Nghỉ hưu",
            },
            {
                "side": "own",
                "relation_code": "mother",
                "full_name": "Lê Thị Mận",
                "birth_year": 1958,
                "occupation": "Nội trợ",
            },
            {
                "side": "spouse",
                "relation_code": "father",
                "full_name": "Phạm Văn Đức",
                "birth_year": 1952,
                "occupation": "Nông dân",
            },
        ],
        salary=[
            {"from_date": "2008-09-01", "rank_code": "01.003", "step": 1, "coefficient": "2.34"},
            {"from_date": "2011-09-01", "rank_code": "01.003", "step": 2, "coefficient": "2.67"},
            {"from_date": "2014-09-01", "rank_code": "01.003", "step": 3, "coefficient": "3.00"},
        ],
        assessments=[
            {
                "assessed_on": "2025-12-15",
                "text": "Có phẩm chất chính trị tốt, hoàn thành tốt nhiệm vụ được giao.",
                "assessor": "Giám đốc Sở Tài chính",
            }
        ],
    )
    data.update(overrides)
    return data


def list_code(catalog: str) -> str:
    """Some code of `catalog` (the catalogs are data; tests do not hard-code them)."""
    from hoso.catalog.selectors import codes

    return sorted(codes(catalog))[0]


def stored_component(
    person: Any,
    uploader: Any,
    *,
    original: bytes,
    media_type: str = "application/pdf",
    pdfa: bytes | None = None,
    kind: str = "diploma",
    section: str = "training",
    sensitivity: str = "personal",
    title: str = "Bằng cử nhân Tài chính",
) -> Any:
    """A component row made directly (the upload pipeline is tested elsewhere): the original
    and, when given, its PDF/A copy stored encrypted."""
    from django.utils import timezone

    from hoso.documents.models import Component, ComponentStatus
    from hoso.documents.storage import storage

    first = storage().put([original])
    copy = storage().put([pdfa]) if pdfa is not None else None
    return Component.objects.create(
        personal_id=person.personal_id,
        kind=kind,
        title=title,
        section=section,
        position=1,
        sensitivity=sensitivity,
        status=ComponentStatus.READY if copy else ComponentStatus.RECEIVED,
        original_name="ban-quet.pdf" if media_type == "application/pdf" else "ban-quet.jpg",
        media_type=media_type,
        original_key=first.key,
        original_sha256=first.sha256,
        original_size=first.size,
        pdfa_key=copy.key if copy else "",
        pdfa_sha256=copy.sha256 if copy else "",
        pdfa_size=copy.size if copy else None,
        pages=1,
        uploaded_by=uploader,
        uploaded_at=timezone.now(),
    )


def two_page_pdf(first: list[str], second: list[str]) -> bytes:
    """Two typeset pages in one PDF."""
    import io

    import pikepdf
    from scans import typeset_pdf

    out = io.BytesIO()
    with (
        pikepdf.open(io.BytesIO(typeset_pdf(first))) as doc,
        pikepdf.open(io.BytesIO(typeset_pdf(second))) as other,
    ):
        doc.pages.extend(other.pages)
        doc.save(out)
    return out.getvalue()


def page_texts(content: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (poppler's pdftotext)."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return [page for page in done.stdout.split("\f") if page.strip()]
