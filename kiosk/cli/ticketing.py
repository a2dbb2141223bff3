"""`kiosk ticketing`: connections to pretix, Eventbrite and Indico; pull tickets, push check-ins."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from kiosk import clock
from kiosk.cli.venue import Context, pass_ctx
from kiosk.db import transaction
from kiosk.desk.checkin import utc_iso
from kiosk.ticketing import pushing, records, runner, store


@click.group("ticketing", invoke_without_command=True)
@click.pass_context
def ticketing(click_ctx: click.Context) -> None:
    """Ticketing systems: list connections with their last pull, push and error."""
    if click_ctx.invoked_subcommand is None:
        _list(click_ctx.find_object(Context))


def _list(ctx: Context) -> None:
    db = ctx.db()
    found = store.all_connections(db)
    if not found:
        click.echo("No ticketing connection. Add one with: kiosk ticketing add pretix NAME"
                   " --url URL --organizer ORG --event SLUG --token TOKEN")  # fmt: skip
    for c in found:
        shown = " ".join(f"{k}={v}" for k, v in sorted(c.shown_settings().items()))
        click.echo(f"{c.name} ({c.kind})  {shown}")
        click.echo(f"  last pull {c.last_pull_at or 'never'}"
                   f" · last push {c.last_push_at or 'never'}"
                   f" · waiting {runner.waiting(db, c)} · refused {c.refused}")  # fmt: skip
        if c.last_error:
            click.echo(f"  last error {c.last_error_at}: {c.last_error}")
    for r in pushing.refusals(db, limit=20):
        what = "undo" if r.undo else "check-in"
        click.echo(f"refused by {r.connection}: {what} of {r.name} at {r.at}: {r.reason}")


@ticketing.group("add")
def add() -> None:
    """Add or replace a connection (its token is kept in this machine's database only)."""


def _add(ctx: Context, kind: str, name: str, settings: dict[str, str]) -> None:
    db = ctx.db()
    now = utc_iso(clock.now())
    try:
        with transaction(db):
            store.add(db, kind, name, {k: v.strip() for k, v in settings.items() if v}, now)
    except store.SetupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Connection {name.strip()} ({kind}) saved. Pull its tickets with:"
               f" kiosk ticketing pull {name.strip()}")  # fmt: skip


_TOKEN = click.option("--token", required=True, help="The system's API token (kept secret).")
_EVENT = "--event"


@add.command("pretix")
@click.argument("name")
@click.option("--url", required=True, help="pretix's address, e.g. https://pretix.eu")
@click.option("--organizer", required=True, help="The organizer's short name in pretix.")
@click.option(_EVENT, "event", required=True, help="The event's short name (slug) in pretix.")
@_TOKEN
@click.option(
    "--checkin-list", "checkin_list", default="", help="Check-in list id (default: first)."
)
@pass_ctx
def add_pretix(ctx: Context, name: str, url: str, organizer: str, event: str, token: str,
               checkin_list: str) -> None:  # fmt: skip
    """Connect an event in pretix."""
    _add(ctx, "pretix", name, {"url": url, "organizer": organizer, "event": event,
                               "token": token, "checkin_list": checkin_list})  # fmt: skip


@add.command("eventbrite")
@click.argument("name")
@click.option(_EVENT, "event", required=True, help="The event's id in Eventbrite.")
@_TOKEN
@click.option("--url", default="", help="Eventbrite's API address (default: Eventbrite's own).")
@pass_ctx
def add_eventbrite(ctx: Context, name: str, event: str, token: str, url: str) -> None:
    """Connect an event in Eventbrite."""
    _add(ctx, "eventbrite", name, {"event": event, "token": token, "url": url})


@add.command("indico")
@click.argument("name")
@click.option("--url", required=True, help="The Indico server's address.")
@click.option(_EVENT, "event", required=True, help="The event's id in Indico.")
@_TOKEN
@pass_ctx
def add_indico(ctx: Context, name: str, url: str, event: str, token: str) -> None:
    """Connect an event in Indico."""
    _add(ctx, "indico", name, {"url": url, "event": event, "token": token})


@ticketing.command("remove")
@click.argument("name")
@pass_ctx
def remove(ctx: Context, name: str) -> None:
    """Forget a connection (the attendees it brought stay)."""
    db = ctx.db()
    with transaction(db):
        if not store.remove(db, name):
            raise click.ClickException(f"no ticketing connection named {name!r}")
    click.echo(f"Connection {name} removed.")


def _each(ctx: Context, name: str | None, work: Callable[[Any, store.Connection], str]) -> None:
    """Runs `work` for the chosen connections; a failure names itself and the exit is 1."""
    db = ctx.db()
    try:
        found = runner.chosen(db, name)
    except runner.NoConnection as exc:
        raise click.ClickException(str(exc)) from None
    failed = False
    for conn in found:
        try:
            click.echo(f"{conn.name}: {work(db, conn)}")
        except records.TicketingError as exc:
            click.echo(f"{conn.name}: {exc.words}", err=True)
            failed = True
    if failed:
        sys.exit(1)


@ticketing.command("pull")
@click.argument("name", required=False)
@pass_ctx
def pull(ctx: Context, name: str | None) -> None:
    """Bring in what changed in the system since the last pull."""

    def work(db: Any, conn: store.Connection) -> str:
        r = runner.pull(db, conn, clock.now)
        return (f"{r.added} added, {r.updated} updated, {r.cancelled} cancelled,"
                f" {r.arrivals} arrivals at its gates")  # fmt: skip

    _each(ctx, name, work)


@ticketing.command("push")
@click.argument("name", required=False)
@pass_ctx
def push(ctx: Context, name: str | None) -> None:
    """Send check-ins and undos not yet sent."""

    def work(db: Any, conn: store.Connection) -> str:
        r = runner.push(db, conn, clock.now)
        return f"{r.sent} sent, {r.refused} refused"

    _each(ctx, name, work)
