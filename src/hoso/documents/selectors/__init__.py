"""The readers of the documents app, by topic, behind the access gate: `components` (scans,
search), `consistency` (findings), `resume` (which dossier state, signed résumés), `fixity`
(stored objects), `trace` (what a leaked file is)."""
