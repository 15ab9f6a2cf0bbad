"""Logging helpers named in `settings.LOGGING`."""

from __future__ import annotations

import logging
from collections.abc import Iterable


class DropMessages(logging.Filter):
    """Drop the records whose message template starts with one of `prefixes`: a library's
    notice that is known, harmless and repeated for every document, and nothing else."""

    def __init__(self, prefixes: Iterable[str] = ()) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefixes)
