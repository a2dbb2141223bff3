"""The check-in desk: attendees, their import, check-in rules, search, text folding.

Also the event's settings, scan messages, reports and the self-service rules.
"""

# Importing the package registers the search index with the fold.
from kiosk.desk import search  # noqa: F401
