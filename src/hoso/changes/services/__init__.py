"""Writes of the changes app, by topic: `changesets` (propose → approve, signed → apply;
the one path of dossier content), `decisions`, `discrepancies`, `obligations`. Each checks
its duty, writes and records its audit event in one place."""
