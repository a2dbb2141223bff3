"""Attendee ids: which text may name an attendee in an imported file, an op or a desk link."""

from __future__ import annotations

import re

# One path segment of the desk's links and a key in every op that names the attendee: plain
# characters only, so no id can make a link point elsewhere.
_ATTENDEE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ATTENDEE_ID_RULE = "an id: 1 to 64 letters, digits, '.', '_' or '-', the first a letter or digit"


def valid_attendee_id(value: object) -> bool:
    """Whether an id from a file or a peer may name an attendee (see ATTENDEE_ID_RULE)."""
    return isinstance(value, str) and _ATTENDEE_ID.fullmatch(value) is not None
