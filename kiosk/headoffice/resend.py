"""Sending a mail again, from the fleet console: a failed or uncertain mail queued anew.

An uncertain mail may have reached its reader (the server went quiet after the message was
handed over); a supervisor who checked chooses to send it again. A bounce is never re-queued.
"""

from __future__ import annotations

from kiosk.headoffice.database import Database
from kiosk.headoffice.fleet import MAIL_RETRYABLE


def send_again(db: Database, event_id: int, notification_op_id: str, attendee_id: str) -> bool:
    """Queues the mail afresh (no attempts, due now); False if it was not failed or uncertain."""
    with db.transaction():
        done = db.execute(
            "UPDATE mail SET status = 'queued', attempts = 0, next_try_ms = 0"
            " WHERE event_id = ? AND notification_op_id = ? AND attendee_id = ?"
            " AND status IN (?, ?)",
            (event_id, notification_op_id, attendee_id, *MAIL_RETRYABLE),
        ).rowcount
    return bool(done)
