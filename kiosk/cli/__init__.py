"""The `kiosk` command: one module per command group.

venue.py holds the group and the commands that set up a venue.
"""

from kiosk.cli.venue import main  # noqa: F401  (the entry point, kiosk.cli:main)
