"""Connections to ticketing systems (pretix, Eventbrite, Indico): tickets in, check-ins out."""
