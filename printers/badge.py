"""The data on one badge: plain values, no database rows, no web request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Badge:
    """Who the badge is for; `code` is the text inside the QR code.

    `language` is an optional BCP 47 hint ("ja", "ko", "zh-Hant") that picks the right glyph
    forms for Chinese characters, which differ between Chinese, Japanese and Korean.
    """

    first_name: str
    last_name: str = ""
    company: str = ""
    ticket_type: str = "Attendee"
    code: str = ""
    language: str = ""

    def field(self, name: str) -> str:
        """The text a template field shows; unknown names are a template bug."""
        if name == "ticket_type":
            return self.ticket_type.upper()
        if name == "full_name":
            return " ".join(p for p in (self.first_name, self.last_name) if p)
        return str(getattr(self, name))
