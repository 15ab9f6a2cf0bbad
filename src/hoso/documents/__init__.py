"""Dossier components (scans), their preservation, served copies and the résumé.

- `storage`: encrypted, streamed file storage behind an interface (filesystem by default).
- `intake`: checks an upload (type, size, bombs, encryption, names) before anything is kept.
- `ocr`: the PDF/A-2b copy with its Vietnamese text layer (ocrmypdf + tesseract `vie`).
- `services/`: the only writers of this app's tables, by topic; `selectors/`: the readers,
  behind the gate; `tasks`: the background processing of a new component.
- `stamping`: every served copy carries a visible mark and an export id
  (`services.serving`); `selectors.trace`: who leaked it.
- `resume_pdf`: Mẫu 2C-BNV/2008 as PDF/A, certified with PAdES (`services.resume` issues it).
- `extraction`: key fields read off a scan (`services.consistency` compares them).
- The archive (BagIt + PREMIS) is in `hoso.exchange`.

R-DIGITIZE, R-SECRET, R-EQUIV, R-CORRECT, R-PROHIBITED; docs/decisions/0011-documents.md.
"""
