"""Moving dossiers between systems (DESIGN.md: `exchange` owns bulk import/export and hub/node
exchange). No models of its own: it reads and writes through the apps that own the data.

- `archive`: a person's whole dossier as a BagIt bag (RFC 8493) with PREMIS 3 metadata —
  export (`archive.export`), verification (`archive.verify`), import through the one write
  path (`archive.ingest`); `hoso archive …`.
- `premis`: the PREMIS 3 XML of a bag (write and read). The preservation *events* it
  serializes are the documents app's own (`documents.models.PreservationEvent`, written by
  `documents.services.preservation`): documents records them whatever happens to a file;
  only a package needs them as PREMIS XML, so the XML lives here and the dependency points
  one way, exchange → documents.

docs/decisions/0011-documents.md.
"""
