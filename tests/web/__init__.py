# A package, so that its conftest.py is imported as `web.conftest` and does not take the name
# `conftest` from tests/conftest.py, whose helpers the modules here import.
