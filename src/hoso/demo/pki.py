"""Demo signing keys: a throwaway CA made at run time in the node's signing directory, and a
key and certificate for each persona who signs (records managers, clerks, leaders) and the
node's seal. Refused on a production node."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings

from hoso.access.models import Role
from hoso.changes.signatures import CA_BUNDLE, CA_SUBDIRECTORY, signing_dir
from hoso.demo.accounts import PERSONAS
from hoso.demo.orgs import PROVINCE
from hoso.documents import stamping
from hoso.orgs.models import Organization
from hoso.signing.errors import SigningError
from hoso.signing.keys import KeyAlgorithm, certificates_write
from hoso.signing.pki import CA_CERT_FILE, ca_create, ca_load, signer_issue

DEMO_CA_NAME = "CA thử nghiệm hoso (không dùng chính thức)"


@dataclass(frozen=True)
class DemoSigner:
    username: str
    full_name: str
    organization: str


def demo_pki_ensure(
    signers: list[DemoSigner],
    *,
    directory: Path | None = None,
    key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA_3072,
) -> list[str]:
    """Make (once) a throwaway CA in `<directory>/ca/`, its certificate as the trusted root
    `<directory>/ca.pem`, and a key and certificate for each signer that has none; returns
    the usernames issued now. Idempotent. Refused on a production node: there officials sign
    with the certificates a licensed CA issued them.
    """
    if getattr(settings, "PRODUCTION", False):
        raise SigningError(
            "Không tạo CA thử nghiệm trên môi trường chính thức.", code="demo_ca_in_production"
        )
    directory = directory or signing_dir()
    ca_directory = directory / CA_SUBDIRECTORY
    if (ca_directory / CA_CERT_FILE).exists():
        ca = ca_load(ca_directory)
    else:
        ca = ca_create(DEMO_CA_NAME, ca_directory, key_algorithm=key_algorithm)
    if not (directory / CA_BUNDLE).exists():
        certificates_write(directory / CA_BUNDLE, [ca.certificate])
    issued = []
    for signer in signers:
        if (directory / f"{signer.username}.key.pem").exists():
            continue
        signer_issue(
            ca,
            username=signer.username,
            full_name=signer.full_name,
            organization=signer.organization,
            directory=directory,
        )
        issued.append(signer.username)
    return issued


SIGNING_ROLES = frozenset({Role.RECORDS_MANAGER, Role.CLERK, Role.LEADER})


def signing_keys_ensure(out: TextIO) -> None:
    """Every approval is signed: a throwaway CA made at run time in the node's signing
    directory (default `$HOSO_DATA_DIR/pki`, outside the repository) and a key and certificate
    for each persona who signs: the records managers (approvals), and the clerks and leaders
    who sign the steps of personnel procedures. Made once; later runs find them."""

    unit_names = dict(Organization.objects.values_list("code", "name"))
    signers = [
        DemoSigner(p.username, p.full_name, unit_names.get(p.unit_code, PROVINCE["name"]))
        for p in PERSONAS
        if p.role in SIGNING_ROLES
    ]
    # The node's own seal, which signs the stamp on served copies of signed résumés.
    seal = DemoSigner(stamping.SEAL_USERNAME, stamping.SEAL_NAME, PROVINCE["name"])
    signers.append(seal)
    issued = demo_pki_ensure(signers)
    if issued:
        out.write(
            f"Đã tạo chứng thư số thử nghiệm cho {', '.join(issued)} tại {signing_dir()} "
            "(CA thử nghiệm, không dùng chính thức).\n"
        )
