"""Archival packages: a person's whole dossier as a BagIt bag (RFC 8493) with PREMIS 3
metadata, its verification, and its import on another node (R-SECRET: preserved permanently;
R-DIGITIZE; R-CORRECT; R-PROHIBITED).

One bag per person, in `<output>/<personal_id>/`:

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
    README.txt                          what this is; that it holds classified data in clear
    data/dossier.json                   the current dossier and every version, with each
                                        approval's payload, CMS signature and certificate
    data/resume/NN-vV.pdf               the signed résumés (PAdES), as signed
    data/components/NNN-<kind>/original.<ext>, preservation.pdf   in paper-dossier order
    data/metadata/premis.xml            objects, fixity, formats, derivations, events, agents,
                                        rights (`hoso.exchange.premis`)

A bag holds classified dossier data **in clear** (an archive must be readable without this
node's keys); its files are written mode 600 and its making is audited and recorded as a PREMIS
`capture` event. A bag is built in `<output>/.<personal_id>.partial` and renamed into place
only once complete and valid: a failure leaves no half-written bag.

`archive_verify` checks a bag on its own (completeness and checksums with `bagit`, PREMIS
fixity, the chain of versions and their approval signatures, the résumés' PAdES signatures,
all against this node's trusted roots) and names every failure by file and check.
`archive_import` takes a verified bag through the one write path: a change set proposing the
dossier, which a records manager approves like any other.
"""

from hoso.exchange.archive.common import (
    ArchiveExport,
    ArchiveImport,
    ArchiveReport,
    UnitExport,
)
from hoso.exchange.archive.export import archive_export, archive_export_unit
from hoso.exchange.archive.ingest import archive_import
from hoso.exchange.archive.verify import archive_verify

__all__ = [
    "ArchiveExport",
    "ArchiveImport",
    "ArchiveReport",
    "UnitExport",
    "archive_export",
    "archive_export_unit",
    "archive_import",
    "archive_verify",
]
