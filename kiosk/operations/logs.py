"""Where the log goes and how it reads: one line per event on stderr, as text or as JSON.

Text is for a person at a terminal; JSON (one object per line) is for a log collector. Both
carry the time in UTC. A record's `fields` (a dict passed as `extra={"fields": ...}`) become
keys of the JSON object; the text line has only the message, which says the same.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
# waitress's and cheroot's start lines say 0.0.0.0 (ours name real addresses); fontTools and
# fpdf narrate every font they subset while a PDF is written.
QUIET = ("waitress", "cheroot", "fontTools", "fpdf")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment (a test may swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _time(record: logging.LogRecord) -> str:
    at = datetime.fromtimestamp(record.created, UTC)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`2026-12-03T09:14:02.113Z INFO kiosk.request GET /desk 200 3.1 ms`."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_time(record)} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": _time(record), "level": record.levelname.lower(),
                                 "logger": record.name, "message": record.getMessage()}  # fmt: skip
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _handler() -> logging.Handler:
    """The one handler this module puts on the root logger."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, StderrHandler):
            return handler
    handler = StderrHandler()
    handler.setFormatter(TextFormatter())
    root.addHandler(handler)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def set_level(level: str) -> None:
    """Shows records of `level` and above (one of LEVELS)."""
    _handler()
    logging.getLogger().setLevel(level.upper())


def set_format(form: str) -> None:
    """`text` or `json` (one of FORMATS)."""
    _handler().setFormatter(JsonFormatter() if form == "json" else TextFormatter())
