"""Serving a demo node: Django's threaded development server, started without its banner.

`runserver` prints an English banner (system checks, Django version, "Starting development
server…", a production warning) after our Vietnamese accounts table; `hoso demo` has already
said where the node is, so it calls the same server directly, with no autoreload. Static files
are served like `runserver --insecure` does; each request is still logged (`django.server`).
"""

from __future__ import annotations

import errno

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import CommandError
from django.core.servers.basehttp import get_internal_wsgi_application, run

_ERRORS = {
    errno.EACCES: "không có quyền mở cổng này",
    errno.EADDRINUSE: "cổng này đang được chương trình khác dùng",
    errno.EADDRNOTAVAIL: "máy này không có địa chỉ đó",
}


def serve(host: str, port: int) -> None:
    """Serve the node on host:port until interrupted (Ctrl-C returns); a port that cannot be
    opened is a `CommandError` with the reason in Vietnamese."""
    handler = StaticFilesHandler(get_internal_wsgi_application())
    try:
        run(host, port, handler, ipv6=":" in host, threading=True)
    except OSError as exc:
        reason = _ERRORS.get(exc.errno or 0, str(exc))
        raise CommandError(f"Không mở được {host}:{port}: {reason}.") from exc
    except KeyboardInterrupt:
        return
