"""The demo node, the synthetic population and the demo PKI (DESIGN.md: nothing else imports
this app; `hoso demo` and `hoso seed` are its commands).

- `population/`: the synthetic dossier generator, split by topic (names, schooling, careers,
  salaries, families, profile) around `generator.Population`; `seeding` writes through
  `people.services`.
- `orgs`, `accounts`, `grants`, `proposals`, `scans`, `pki`: what a demo node holds, each made
  through the services as a user would; `figures` counts it for README's table.
- `node`: `demo_setup`, the idempotent run behind `hoso demo`.
"""
