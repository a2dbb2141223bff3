"""Connections to ticketing systems (pretix, Eventbrite, Indico): tickets in, check-ins out."""

# Importing the package registers each system's kind and the signed tickets' op kind and hook.
from kiosk.ticketing import eventbrite, indico, pretix, signed  # noqa: F401
