"""Digital signatures: keys, certificates and detached CMS signatures of canonical JSON.

A pure library (no models): `canonical` (RFC 8785 bytes), `keys` (the `SigningKey` protocol
and its file-backed implementation), `pki` (a throwaway CA for demos and tests), `cms`
(`sign_json` / `verify_json`). Submodules are imported explicitly, so loading the app does not
load pyHanko. See docs/decisions/0007-signatures.md.
"""
