"""Exhibitor leads: sponsors, their booths' badge scans, and what attendees agreed to share.

Importing the package registers the ops' fold rules (sponsors, leads).
"""

from kiosk.leads import capture, sponsors  # noqa: F401
