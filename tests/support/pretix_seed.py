"""Run inside pretix's own venv (`python -m pretix shell`): an event that sells signed tickets
(pretix_sig1), in an organizer with a team API token, made through pretix's models.

Prints the token. The event's products, check-in list and orders are then made through
pretix's REST API with that token, as a box office would.
"""

import datetime
import os

from django.utils.timezone import now
from django_scopes import scopes_disabled
from pretix.base.models import Event, Organizer, Team

with scopes_disabled():
    organizer, _ = Organizer.objects.get_or_create(
        slug=os.environ["ORG"], defaults={"name": "Kiosk Test Organiser"}
    )
    event = Event.objects.create(
        organizer=organizer,
        name={"en": "Kiosk Test Con"},
        slug=os.environ["EVENT"],
        date_from=now() + datetime.timedelta(days=1),
        currency="EUR",
        live=True,
    )
    event.settings.ticket_secret_generator = "pretix_sig1"
    event.settings.name_scheme = os.environ.get("NAME_SCHEME", "given_family")
    team, _ = Team.objects.get_or_create(
        organizer=organizer,
        name="Kiosk",
        defaults={
            "all_events": True,
            "all_event_permissions": True,
            "all_organizer_permissions": True,
        },
    )
    token = team.tokens.filter(active=True).first() or team.tokens.create(name="kiosk")
    print("TOKEN=" + token.token)
