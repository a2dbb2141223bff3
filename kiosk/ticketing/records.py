"""What every ticketing connector hands Kiosk and takes from it, whatever the system.

A connector only talks to its system: it turns the system's answers into these records and
Kiosk's check-ins into the system's calls. Recording ops, keeping cursors and showing errors is
the same for every system, so it lives beside this, not in the connectors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class TicketingError(Exception):
    """The system could not be reached or refused us; `words` is for the supervisor."""

    def __init__(self, words: str, *, auth: bool = False, retry_after: float | None = None):
        super().__init__(words)
        self.words = words
        self.auth = auth  # the token stopped working: no retry helps until someone fixes it
        self.retry_after = retry_after  # seconds the system asked us to wait (rate limit)


@dataclass(frozen=True)
class Ticket:
    """One admission as the system sells it; `code` is the secret its QR code holds."""

    external_id: str  # the system's own id of this ticket (position, attendee, registrant)
    code: str
    first_name: str
    last_name: str
    email: str = ""
    company: str = ""
    ticket_type: str = ""
    cancelled: bool = False


@dataclass(frozen=True)
class GateArrival:
    """A check-in the system recorded itself (another gate, another scanner app)."""

    code: str
    at: str  # ISO 8601 UTC
    gate: str  # where, in the system's words (a check-in list, a device)


@dataclass
class Pulled:
    """One incremental pull: what changed since `cursor` was last kept."""

    tickets: list[Ticket] = field(default_factory=list)
    arrivals: list[GateArrival] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)  # kept and handed to the next pull
    extras: dict[str, Any] = field(default_factory=dict)  # e.g. pretix's signing keys


@dataclass(frozen=True)
class CheckinToSend:
    """A Kiosk check-in (or its undo) to report to the system once."""

    op_id: str  # unique and stable: the idempotency key (pretix's nonce)
    code: str
    at: str  # ISO 8601 UTC
    undo: bool = False  # then op_id is the undone check-in's (the id the system knows it by)


@dataclass(frozen=True)
class Sent:
    """The system's answer to one check-in: accepted, or refused with its reason (final)."""

    op_id: str
    accepted: bool
    reason: str = ""


class Connector(Protocol):
    """One system's client. Raises TicketingError when the system cannot answer."""

    def pull(self, cursor: Mapping[str, Any]) -> Pulled:
        """Everything changed since `cursor` ({} for the first pull), every page of it."""
        ...

    def push(self, checkins: list[CheckinToSend]) -> list[Sent]:
        """Reports check-ins; a refusal is a Sent with accepted False, not an exception."""
        ...


# A kind's factory: the connection's settings (url, event, token, ...) to a connector.
Factory = Callable[[Mapping[str, str]], Connector]
KINDS: dict[str, Factory] = {}


def register(kind: str, factory: Factory) -> None:
    """Makes a system kind available to `kiosk ticketing add KIND`."""
    if kind in KINDS:
        raise ValueError(f"ticketing kind {kind!r} is registered twice")
    KINDS[kind] = factory
