"""The `hoso` command: Django's management commands with hoso's settings."""

from __future__ import annotations

import os
import sys

# Django command names cannot hold "-"; the documented spelling maps to the module name.
ALIASES = {"trace-leak": "trace_leak"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    # Everything a node writes (database, keys, scans, exports) is its owner's only.
    os.umask(0o077)
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["hoso", *args])


if __name__ == "__main__":
    main()
