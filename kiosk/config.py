"""Every setting, with its default. Override with KIOSK_<NAME> in the environment.

docs/configuration.md documents each one (a test keeps the two in step).
"""

from __future__ import annotations

# Path of the SQLite database file (the CLI's --db sets it).
DATABASE = "instance/kiosk.sqlite3"
# Signs session cookies. Empty: generated once and kept in the database.
SECRET_KEY = ""
# Largest request body accepted, in bytes (a scan is a few hundred bytes).
MAX_CONTENT_LENGTH = 1024 * 1024
# Languages offered on every screen; the first is the default.
LANGUAGES = "en,id"
# Desk label used when a staff member does not name one at sign-in.
DEFAULT_DESK = "Desk 1"
# Minutes of inactivity after which a staff session on a shared tablet signs out.
STAFF_SESSION_MINUTES = 720
# Send session cookies only over HTTPS (turn on when serving with TLS).
SESSION_COOKIE_SECURE = False

SETTINGS = (
    "DATABASE", "SECRET_KEY", "MAX_CONTENT_LENGTH", "LANGUAGES", "DEFAULT_DESK",
    "STAFF_SESSION_MINUTES", "SESSION_COOKIE_SECURE",
)  # fmt: skip


def from_env(environ: dict[str, str]) -> dict[str, object]:
    """Settings given as KIOSK_<NAME> variables, converted to the default's type."""
    found: dict[str, object] = {}
    for name in SETTINGS:
        raw = environ.get(f"KIOSK_{name}")
        if raw is None:
            continue
        default = globals()[name]
        if isinstance(default, bool):
            found[name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            found[name] = int(raw)
        else:
            found[name] = raw
    return found
