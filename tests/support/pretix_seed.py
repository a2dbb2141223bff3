"""Run inside pretix's own venv (`python -m pretix shell`): an organizer, an event selling signed
tickets, and a team API token, created through pretix's models. Prints the token.

Products, check-in lists and orders are then made through pretix's REST API with that token.
"""

import datetime
import os

from django.utils.timezone import now
from django_scopes import scopes_disabled
from pretix.base.models import Event, Organizer, Team

with scopes_disabled():
    organizer = Organizer.objects.create(name="Kiosk Test Organiser", slug=os.environ["ORG"])
    event = Event.objects.create(
        organizer=organizer, name={"en": "Kiosk Test Con"}, slug=os.environ["EVENT"],
        date_from=now() + datetime.timedelta(days=1), currency="EUR", live=True,
    )
    event.settings.ticket_secret_generator = "pretix_sig1"
    event.settings.name_scheme = "given_family"
    event.settings.timezone = "Asia/Jakarta"
    team = Team.objects.create(organizer=organizer, name="Kiosk", all_events=True,
                               all_event_permissions=True, all_organizer_permissions=True)
    print("TOKEN=" + team.tokens.create(name="kiosk").token)
