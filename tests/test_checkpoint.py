"""The background checkpoint finishes even while scans keep coming, so the WAL is reused."""

from __future__ import annotations

import threading

from kiosk.db import Checkpointer, connect, transaction


def test_the_wal_is_reused_while_writes_never_pause(tmp_path):
    """1,500 commits without a pause: without finished checkpoints the WAL would hold them all."""
    path = tmp_path / "c.sqlite3"
    writer = connect(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # as request threads, beside the checkpointer
    writer.execute("CREATE TABLE hit (id INTEGER PRIMARY KEY, body TEXT)")
    checkpointer = Checkpointer(path, interval=0.05)
    checkpointer.start()
    try:
        for _ in range(1500):
            with transaction(writer):
                writer.execute("INSERT INTO hit (body) VALUES (?)", ("x" * 3000,))
            threading.Event().wait(0.0005)
    finally:
        checkpointer.stop.set()
        checkpointer.join()
    pages = writer.execute("PRAGMA wal_checkpoint(NOOP)").fetchall()[0][1]
    writer.close()
    assert pages < 500, f"the WAL holds {pages} pages: it was never started again"
