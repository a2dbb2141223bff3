"""Today's dashboard lists the sessions a supervisor acts on: now, soon, and over capacity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.dashboard.figures import SessionRow, around

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _session(name: str, starts_in_h: float, hours: float = 1, signed: int = 10) -> SessionRow:
    start = NOW + timedelta(hours=starts_in_h)
    return SessionRow(name, name, start, start + timedelta(hours=hours), "Melati", 40, signed, 0)


def test_running_soon_and_overflowing_sessions_are_shown() -> None:
    rows = [_session("over", -3, signed=80), _session("done", -2), _session("running", -0.5),
            _session("soon", 2.5), _session("later", 4),
            _session("later-full", 5, signed=41)]  # fmt: skip
    assert [s.session_id for s in around(rows, NOW)] == ["over", "running", "soon", "later-full"]
