"""Rooms and sessions: the schedule, its import, room moves and door scans.

Room rules are plain functions; the schedule's ops fold into its own tables.
"""

# Importing the package registers the schedule's fold rules and the review's room choice.
from kiosk.rooms import moves, schedule  # noqa: F401
