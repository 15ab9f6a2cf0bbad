"""Reads of the changes app, by topic: `versions`, `changesets`, `decisions`,
`discrepancies`, `obligations`. Callers pass the access gate first; a reviewer's view of a
proposal is built from their own decision (`changesets.changeset_diff`)."""
