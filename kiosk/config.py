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
# URL of the node this machine syncs with in the background (head office or another venue).
SYNC_PEER = ""
# Bearer token (role sync) issued by that peer for this machine; empty: no background sync.
SYNC_TOKEN = ""
# Seconds between background sync rounds while the link works (failures back off up to 5 min).
SYNC_INTERVAL = 15
# Accept ops relayed from other nodes by head office and the SYNC_RELAYS peers (off: every
# token pushes only its own machine's ops).
SYNC_RELAY = True
# Node ids, separated by ",", of LAN peers whose tokens may relay other machines' ops to this
# one. Head office (this machine's SYNC_PEER) may always relay; every other token pushes only
# its own machine's ops.
SYNC_RELAYS = ""
# Hours an op's clock stamp may be ahead of this machine's clock; later stamps are refused.
SYNC_MAX_AHEAD_HOURS = 24
# Largest sync body accepted after gzip is removed, in bytes.
SYNC_MAX_BODY = 32 * 1024 * 1024
# PEM file of the CAs that may sign the peer's HTTPS certificate (empty: the system's CAs).
SYNC_CA_BUNDLE = ""
# SHA-256 fingerprint the peer's HTTPS certificate must have (empty: no pinning).
SYNC_PIN = ""
# Seconds without a touch after which a self-service screen forgets the attendee and starts over.
SELFSERVICE_IDLE_SECONDS = 30
# Failed lookups (unknown codes, unmatched typed details) a self-service screen allows a minute.
SELFSERVICE_MAX_FAILURES = 5
# Seconds a self-service screen refuses lookups after too many failures.
SELFSERVICE_COOLDOWN_SECONDS = 60
# Milliseconds between most keys (the median) of a self-service scan at most: text that came
# slower was typed, and the screen asks for the last name too (a scanner sends a key every few ms).
SELFSERVICE_SCAN_GAP_MS = 50
# Wrong bearer tokens one address may send in a minute before its unknown tokens get 429 for a
# minute (valid tokens always work). Raise it where many devices share one address (NAT).
TOKEN_MAX_FAILURES = 10
# Start the app's clock at this ISO 8601 instant and let it run from there (empty: the system
# clock). For rehearsing an event day before it comes, and for tests of real server processes.
CLOCK_START = ""
# Folders, separated by ":", where file:// printers may write badge files besides the folder
# that holds the database (empty: only there). Printer URLs cannot name any other place.
PRINT_FILE_DIRS = ""
# This machine's id in the database's fingerprint (empty: /etc/machine-id). For tests, and for
# machines made from one disk image that share a machine id; give each machine its own value.
MACHINE_ID = ""
# Least severe log records written to stderr: debug, info, warning or error (`--log-level`).
LOG_LEVEL = "info"
# How log lines read: text for people, json (one object a line) for a log collector.
LOG_FORMAT = "text"

SETTINGS = (
    "DATABASE", "SECRET_KEY", "MAX_CONTENT_LENGTH", "LANGUAGES", "DEFAULT_DESK",
    "STAFF_SESSION_MINUTES", "SESSION_COOKIE_SECURE", "SYNC_PEER", "SYNC_TOKEN", "SYNC_INTERVAL",
    "SYNC_RELAY", "SYNC_RELAYS", "SYNC_MAX_AHEAD_HOURS", "SYNC_MAX_BODY", "SYNC_CA_BUNDLE",
    "SYNC_PIN",
    "SELFSERVICE_IDLE_SECONDS", "SELFSERVICE_MAX_FAILURES",
    "SELFSERVICE_COOLDOWN_SECONDS", "SELFSERVICE_SCAN_GAP_MS", "TOKEN_MAX_FAILURES", "CLOCK_START",
    "PRINT_FILE_DIRS", "MACHINE_ID", "LOG_LEVEL", "LOG_FORMAT",
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
