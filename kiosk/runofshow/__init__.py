"""Run of show: each session's readiness checklist (room open, AV tested, speaker, mic, slides).

Importing the package registers the fold rule of `readiness_tick`.
"""

from kiosk.runofshow import checklist  # noqa: F401
