"""The writers of the documents app, by topic (DESIGN.md: services are the only writers).

- `components`: add a scan, move it in the paper-dossier order (enqueues processing);
  `restore`: the components of an archival package being imported (`hoso.exchange`);
- `processing`: the PDF/A + OCR copy and the word index (run by `documents.services.tasks`);
- `preservation`: the one writer of PREMIS `PreservationEvent`s;
- `consistency`: compare a scan with the e-dossier, confirm or dismiss a finding;
- `resume`: issue the signed Mẫu 2C; `serving`: hand out stamped, recorded copies;
- `fixity`: the scheduled integrity check; `trace`: the audited leak lookup.

Nothing is re-exported here: import the topic module (`from hoso.documents.services import
components`), so that `tasks` → `processing` and `components` → `tasks` stay free of loops.
"""
