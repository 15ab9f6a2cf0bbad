"""Dossier components (scans), their preservation, served copies, the résumé and the archive.

- `storage`: encrypted, streamed file storage behind an interface (filesystem by default).
- `intake`: checks an upload (type, size, bombs, encryption, names) before anything is kept.
- `ocr`: the PDF/A-2b copy with its Vietnamese text layer (ocrmypdf + tesseract `vie`).
- `services`: the only writers of this app's tables; `selectors`: the readers, behind the gate.
- `stamping`: every served copy carries a visible mark and an export id; `trace`: who leaked it.
- `resume`: Mẫu 2C-BNV/2008 as PDF/A, signed with PAdES.
- `archive`: BagIt (RFC 8493) packages with PREMIS preservation metadata.
- `consistency`: key fields read off a scan, compared with the e-dossier.

R-DIGITIZE, R-SECRET, R-EQUIV, R-CORRECT, R-PROHIBITED; docs/decisions/0011-documents.md.
"""
