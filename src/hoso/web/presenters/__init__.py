"""Presenters shape what selectors and access decisions return into rows for the pages; they
read through selectors and the gate only, and mask with `access.masking`."""
