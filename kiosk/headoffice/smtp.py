"""Handing one mail to the SMTP relay, and what the relay's answer means for it.

Every outcome is one of four: the relay took the mail (`sent`); it refused this recipient or
this mail for good, 5xx after RCPT or DATA (`bounced`, with the relay's words); it may take it
later, 4xx, no connection, a timeout, TLS or login trouble (`retry`); or the connection broke
after the whole mail was sent and before the relay answered (`uncertain`: it may have arrived,
so it is not sent again by itself). The password is only ever given to smtplib's login.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from email.message import EmailMessage
from email.utils import parseaddr

SENT, BOUNCED, RETRY, UNCERTAIN = "sent", "bounced", "retry", "uncertain"
# Setting name -> environment variable; a command's options use the setting names.
ENV = {
    "host": "KIOSK_SMTP_HOST",
    "port": "KIOSK_SMTP_PORT",
    "starttls": "KIOSK_SMTP_STARTTLS",
    "ssl": "KIOSK_SMTP_SSL",
    "username": "KIOSK_SMTP_USER",
    "password": "KIOSK_SMTP_PASSWORD",
    "from_address": "KIOSK_MAIL_FROM",
    "ca_file": "KIOSK_SMTP_CA_FILE",
    "timeout": "KIOSK_SMTP_TIMEOUT",
}


class MailSettingsError(ValueError):
    """Mail settings that cannot work; the message says which and what to set."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how head office hands its mail to a relay. Empty host: mail is off."""

    host: str = ""
    port: int = 0  # 0: the usual port of the mode (465 SMTPS, 587 STARTTLS, 25 plain)
    starttls: bool = True
    ssl: bool = False  # implicit TLS from the first byte (SMTPS) instead of STARTTLS
    username: str = ""
    password: str = field(default="", repr=False)
    from_address: str = ""
    ca_file: str = ""  # PEM of the CAs (or the certificate) to trust; empty: the system's
    timeout: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @property
    def tls(self) -> bool:
        return self.ssl or self.starttls

    def port_or_default(self) -> int:
        return self.port or (465 if self.ssl else 587 if self.starttls else 25)

    def describe(self) -> str:
        """The settings for a log line or a console: everything but the password."""
        if not self.enabled:
            return "mail off (no SMTP host)"
        mode = "SMTPS" if self.ssl else "STARTTLS" if self.starttls else "plain text"
        user = f"{self.username}@" if self.username else ""
        trust = f", trusting {self.ca_file}" if self.ca_file else ""
        return (f"smtp://{user}{self.host}:{self.port_or_default()} ({mode}{trust}), "
                f"from {self.from_address}")  # fmt: skip


def _converted(name: str, raw: object) -> object:
    kind = type(MailSettings.__dataclass_fields__[name].default)
    if not isinstance(raw, str) or kind is str:
        return raw
    try:
        if kind is bool:
            return raw.strip().lower() in ("1", "true", "yes", "on")
        return kind(raw.strip())
    except ValueError:
        raise MailSettingsError(f"{ENV[name]} must be a number, not {raw!r}") from None


def settings_from(environ: Mapping[str, str], given: Mapping[str, object] | None = None
                  ) -> MailSettings:  # fmt: skip
    """Settings from KIOSK_SMTP_* variables, each overridden by a command's option if given.

    `given` maps setting names to option values; None means the option was not used.
    """
    values: dict[str, object] = {}
    for f in fields(MailSettings):
        raw = (given or {}).get(f.name)
        raw = environ.get(ENV[f.name]) if raw is None else raw
        if raw is not None:
            values[f.name] = _converted(f.name, raw)
    values.setdefault("starttls", not values.get("ssl"))  # SMTPS alone means no STARTTLS
    settings = MailSettings(**values)  # type: ignore[arg-type]
    check(settings)
    return settings


def check(settings: MailSettings) -> None:
    """Refuses settings that would fail every mail or send the password in clear text."""
    if not settings.enabled:
        return
    if "@" not in parseaddr(settings.from_address)[1]:
        raise MailSettingsError("Set KIOSK_MAIL_FROM: the address head office's mail comes from.")
    if settings.ssl and settings.starttls:
        raise MailSettingsError("Choose one: KIOSK_SMTP_SSL (port 465) or KIOSK_SMTP_STARTTLS.")
    if settings.username and not settings.tls:
        raise MailSettingsError("A password is never sent unencrypted: use STARTTLS or SSL.")


@dataclass(frozen=True)
class Outcome:
    """What became of one mail at the relay; `detail` is the relay's reply or the problem."""

    status: str  # SENT | BOUNCED | RETRY | UNCERTAIN
    detail: str = ""


def reply(code: int, text: bytes | str) -> str:
    """A relay's reply as one line for people ("550 5.1.1 No such user")."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def refused(code: int, text: bytes | str) -> Outcome:
    """A refusal after RCPT or DATA: 5xx is for good, anything else may pass later."""
    return Outcome(BOUNCED if 500 <= code < 600 else RETRY, reply(code, text))


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    port = settings.port_or_default()
    if settings.ssl:
        return smtplib.SMTP_SSL(settings.host, port, timeout=settings.timeout, context=context)
    client = smtplib.SMTP(settings.host, port, timeout=settings.timeout)
    if settings.starttls:
        try:
            client.starttls(context=context)  # raises if the relay offers none: never plain
        except BaseException:
            client.close()
            raise
    return client


def _payload(message: EmailMessage, international: bool) -> bytes:
    """The message as DATA carries it: CRLF lines, a leading dot doubled, the final dot."""
    policy = message.policy.clone(linesep="\r\n", utf8=international)
    data = re.sub(rb"(?m)^\.", b"..", message.as_bytes(policy=policy))
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _deliver(client: smtplib.SMTP, sender: str, to: str, message: EmailMessage) -> Outcome:
    international = not (sender.isascii() and to.isascii())
    client.ehlo_or_helo_if_needed()
    code, text = client.mail(sender, ["SMTPUTF8"] if international else [])
    if code != 250:
        return Outcome(RETRY, f"sender refused: {reply(code, text)}")
    code, text = client.rcpt(to)
    if code not in (250, 251):
        return refused(code, text)
    code, text = client.docmd("DATA")
    if code != 354:
        return refused(code, text)
    client.send(_payload(message, international))  # if this fails, the final dot never left
    try:
        code, text = client.getreply()
    except OSError as exc:
        return Outcome(UNCERTAIN, f"no answer after the mail was sent: {problem(exc)}")
    return Outcome(SENT, reply(code, text)) if code == 250 else refused(code, text)


def problem(exc: BaseException) -> str:
    """What went wrong, for people: the relay's reply where there is one."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return reply(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the relay's certificate is not trusted ({exc.verify_message}); see ca_file"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def send(settings: MailSettings, message: EmailMessage) -> Outcome:
    """Hands one message (one recipient, its To) to the relay; never raises for SMTP trouble."""
    sender, to = message["From"].addresses[0].addr_spec, message["To"].addresses[0].addr_spec
    try:
        client = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome(RETRY, f"cannot reach {settings.describe()}: {problem(exc)}")
    try:
        if settings.username:
            client.login(settings.username, settings.password)
        return _deliver(client, sender, to, message)
    except smtplib.SMTPAuthenticationError as exc:
        return Outcome(RETRY, f"login refused for {settings.username}: {problem(exc)}")
    except (OSError, smtplib.SMTPException) as exc:
        return Outcome(RETRY, problem(exc))
    finally:
        _close(client)


def _close(client: smtplib.SMTP) -> None:
    """Says goodbye if the relay still listens; a mail it accepted stays accepted regardless."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
