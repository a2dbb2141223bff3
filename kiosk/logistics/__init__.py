"""On-site logistics: incidents, vendors and deliveries, and the day log.

Importing the package registers the incidents' and deliveries' fold rules, and the two
permissions its screens and routes check: every staff member reports incidents and reads the
board (`logistics`); supervisors assign, resolve and run deliveries (`logistics_manage`).
"""

from kiosk import auth
from kiosk.logistics import deliveries, incidents  # noqa: F401

auth.PERMISSIONS["desk"] |= {"logistics"}
auth.PERMISSIONS["supervisor"] |= {"logistics", "logistics_manage"}
