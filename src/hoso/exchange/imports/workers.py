"""The start of a spawned import worker (`services.runs`): Django is set up before any of
the run's code is imported, so this module imports nothing of hoso at its top."""

from __future__ import annotations

import os
from typing import Any


def start(context: dict[str, Any]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from django.db import connections

    from hoso.exchange.imports.services import runs

    if context.get("database"):  # the caller's database (a test's is not the settings' one)
        connections["default"].settings_dict["NAME"] = context["database"]
    runs.worker_start(runs.RunContext(**context))
