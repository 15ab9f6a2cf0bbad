"""The start of a spawned worker process (imports' `--jobs`): Django is set up first, then
the named initializer runs. This module imports nothing of Django or hoso at its top, since
a spawned interpreter unpickles it before anything is set up."""

from __future__ import annotations

import os
from typing import Any


def spawned_start(initializer: str, *args: Any) -> None:
    """Set up Django, then call `initializer` ("package.module.function") with `args`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django

    django.setup()
    from django.utils.module_loading import import_string

    import_string(initializer)(*args)
