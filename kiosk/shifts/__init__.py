"""Staff shifts: who works where when, check-in at shift start, no-shows, reassignment, import.

Importing the package registers the fold rules of `shift_set` and `shift_checkin`.
"""

from kiosk.shifts import store  # noqa: F401
