"""The e-mail that tells an attendee their session moved room, in English or Bahasa Indonesia.

Made only from the facts frozen when the mail was queued, so a later edit of a name or a
session never changes what a retry says. Times are shown in the event's time zone, the way
people there write them ("Selasa, 8 Desember 2026, 09.30–10.15 WIB").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "id")
CATALOGS = Path(__file__).resolve().parents[1] / "translations"
# Day and time as written where the language is spoken (CLDR patterns; names come from Babel).
_DAY = {"en": "EEEE d MMMM y", "id": "EEEE, d MMMM y"}
_TIME = {"en": "HH:mm", "id": "HH.mm"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Text:
    """What a mail says: one line of subject and a plain-text body."""

    subject: str
    body: str


@functools.cache
def _catalog(language: str) -> NullTranslations:
    return Translations.load(str(CATALOGS), [language], "messages")


def language_of(language: str) -> str:
    """The language a mail is written in: the attendee's if we have it, else English."""
    return language if language in LANGUAGES else "en"


def one_line(value: object) -> str:
    """A fact as it may stand in a header or a label: no line breaks, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


def local_time(at: str, timezone: str) -> datetime:
    """An ISO 8601 instant in the event's zone (as stamped, when the zone is unknown)."""
    instant = datetime.fromisoformat(at)
    try:
        return instant.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return instant


def zone_label(instant: datetime) -> str:
    """The zone's short name (WIB, WITA, CET), or its offset where it has none ("UTC+08")."""
    name = instant.tzname() or ""
    if name[:1] in "+-":
        return f"UTC{name}"
    return name


def when(facts: Mapping[str, object], language: str) -> str:
    """The session's day and times, e.g. "Tuesday 8 December 2026, 09:30–10:15 WIB"."""
    zone = str(facts.get("timezone") or "")
    start = local_time(str(facts["starts_at"]), zone)
    times = format_time(start, _TIME[language], locale=language)
    if facts.get("ends_at"):
        end = local_time(str(facts["ends_at"]), zone)
        times += "–" + format_time(end, _TIME[language], locale=language)
    day = format_date(start, _DAY[language], locale=language)
    return f"{day}, {times} {zone_label(start)}".rstrip()


def room_change(facts: Mapping[str, object], language: str) -> Text:
    """The subject and body telling one attendee that their session moved to another room."""
    language = language_of(language)
    gettext: Callable[[str], str] = _catalog(language).gettext
    session, event = one_line(facts.get("session_title")), one_line(facts.get("event_name"))
    name = one_line(facts.get("first_name"))
    lines = [
        gettext("Hello %(name)s,") % {"name": name} if name else gettext("Hello,"),
        "",
        gettext('The session "%(session)s" at %(event)s has moved to another room.')
        % {"session": session, "event": event},
        "",
        gettext("When: %(when)s") % {"when": when(facts, language)},
        gettext("Was in: %(room)s") % {"room": one_line(facts.get("from_room"))},
        gettext("Now in: %(room)s") % {"room": one_line(facts.get("to_room"))},
        "",
        gettext("The time stays the same. If you have questions, please ask at the help desk."),
        "",
        gettext("This message was sent automatically; replies are not read."),
    ]
    subject = gettext("Room change: %(session)s") % {"session": session}
    return Text(subject, "\n".join(lines) + "\n")


def recipient(facts: Mapping[str, object], address: str) -> Address:
    """The To address with the attendee's name as display name (any script: headers encode it).

    Raises ValueError for an address that is not one mailbox.
    """
    name = one_line(f"{facts.get('first_name') or ''} {facts.get('last_name') or ''}")
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or one_line(address) != address.strip():
        raise ValueError(f"not an e-mail address: {address!r}")
    return Address(display_name=name, username=local, domain=domain)


def message(text: Text, *, sender: str, to: Address, message_id: str, language: str,
            date: datetime) -> EmailMessage:  # fmt: skip
    """The mail as it is sent: headers that say a machine sent it, and its fixed Message-ID."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = text.subject
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = message_id
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office robots do not answer
    # Quoted-printable keeps the body 7-bit, so a relay without 8BITMIME passes it unchanged.
    mail.set_content(text.body, cte="quoted-printable")
    mail["Content-Language"] = language_of(language)  # after: set_content drops Content-*
    return mail
