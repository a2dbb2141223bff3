"""`kiosk serve --tls` as the CLI runs it, plus a note of every request and its User-Agent.

A browser that refuses the certificate never sends an HTTP request, so the note proves from the
server's side which browser got the page: `python -m tests.service.recording_server DB PORT NOTE`.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any


def main(db: str, port: int, note: str) -> None:
    from kiosk import create_app
    from kiosk.service import serving

    app = create_app({"DATABASE": db, "SESSION_COOKIE_SECURE": True})
    inner, lock = app.wsgi_app, threading.Lock()

    def noting(environ: dict[str, Any], start_response: Any) -> Any:
        with lock, open(note, "a", encoding="utf-8") as out:
            out.write(f"{environ['PATH_INFO']}\t{environ.get('HTTP_USER_AGENT', '')}\n")
        return inner(environ, start_response)

    app.wsgi_app = noting  # type: ignore[method-assign]
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    serving.serve_https(app, db, "Kiosk", "127.0.0.1", port, 4, None, None)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
