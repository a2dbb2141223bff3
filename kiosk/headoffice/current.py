"""The database of the request being served: one connection per server thread."""

from __future__ import annotations

from flask import current_app

from kiosk.headoffice.database import Database, open_database


def database() -> Database:
    """This thread's connection to head office's database."""
    return open_database(current_app.config["HO_DATABASE"])
