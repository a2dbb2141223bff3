"""On-site logistics: incidents, vendors and deliveries, and the day log.

Importing the package registers the incidents' and deliveries' fold rules.
"""

from kiosk.logistics import deliveries, incidents  # noqa: F401
