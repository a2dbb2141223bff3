"""Personal data on request: erasing one attendee everywhere (GDPR art. 17).

Importing the package registers the fold rule of `attendee_erase`.
"""

from kiosk.privacy import erasure  # noqa: F401
