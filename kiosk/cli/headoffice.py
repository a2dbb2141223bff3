"""`kiosk headoffice …`: one head office for many events, on PostgreSQL or a SQLite file.

Without `--database`, `kiosk --db FILE headoffice serve` is the single-event head office it
always was: a venue node that every venue syncs with.
"""

from __future__ import annotations

import secrets
from typing import Any

import click

from kiosk.cli.venue import Context, pass_ctx, run_server, server_options
from kiosk.db import transaction
from kiosk.desk.sheets import CsvError
from kiosk.headoffice import events, importing, tokens
from kiosk.headoffice.database import (
    Database,
    HeadOfficeDatabaseError,
    migrate,
    safe_url,
)
from kiosk.headoffice.eventlog import EventLog
from kiosk.replication.node import get_setting, load_node, put_setting
from sync import peers


def _database(ctx: click.Context) -> Database:
    url = ctx.find_root().obj.ho_url if ctx.find_root().obj else None
    if not url:
        raise click.ClickException(
            "name head office's database: kiosk headoffice --database URL"
            " (postgresql://… or a SQLite file; env KIOSK_HO_DATABASE)"
        )
    try:
        db = Database(url)
        migrate(db)
    except HeadOfficeDatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    return db


@click.group()
@click.option(
    "--database",
    "url",
    envvar="KIOSK_HO_DATABASE",
    default=None,
    help="postgresql://… URL or SQLite file of a head office for many events.",
)
@pass_ctx
def headoffice(ctx: Context, url: str | None) -> None:
    """The head-office node: the hub every venue syncs with."""
    ctx.ho_url = url


@headoffice.command("init")
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or migrate head office's schema."""
    db = _database(ctx)
    click.echo(f"Head office {events.node_id(db)} ready at {safe_url(db.url)}")


@headoffice.group("events", invoke_without_command=True)
@click.pass_context
def events_group(ctx: click.Context) -> None:
    """List events with their venues, arrivals and each venue's last sync."""
    if ctx.invoked_subcommand is not None:
        return
    db = _database(ctx)
    listing = events.listing(db)
    if not listing:
        click.echo("No events yet: kiosk headoffice events add SLUG --name NAME")
    for item in listing:
        e = item["event"]
        click.echo(f"{e.slug}\t{e.name}\t{e.starts_on} ({e.days} d, {e.timezone})\t"
                   f"{item['arrived']}/{item['attendees']} arrived\t"
                   f"{len(item['venues'])} venues")  # fmt: skip
        for node, seen in item["venues"]:
            click.echo(f"  venue {node}\tlast sync {seen}")


@events_group.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The event's name as venues show it.")
@click.option("--starts", default=None, help="First day, YYYY-MM-DD (default: today).")
@click.option("--days", default=1, show_default=True, type=int)
@click.option("--timezone", default="UTC", show_default=True, help="e.g. Asia/Jakarta")
@click.option("--language", default="en", show_default=True, help="Of attendees' mail: en or id.")
@click.option("--retention-days", type=click.IntRange(0, 3650), default=None,
              help="Purge personal data this many days after the event ends.")  # fmt: skip
@click.pass_context
def events_add(ctx: click.Context, slug: str, name: str, starts: str | None, days: int,
               timezone: str, language: str, retention_days: int | None) -> None:  # fmt: skip
    """Add an event; venues take its name, days and time zone on their first sync."""
    from datetime import date

    db = _database(ctx)
    try:
        event = events.add(db, slug, name, starts or date.today().isoformat(), days, timezone,
                           language, retention_days)  # fmt: skip
    except events.EventError as exc:
        raise click.ClickException(str(exc)) from None
    days_text = "1 day" if event.days == 1 else f"{event.days} days"
    click.echo(f"Event {event.slug} added: {event.name}, {event.starts_on}, {days_text}")


@headoffice.group("import")
def import_group() -> None:
    """Import into one event."""


@import_group.command("attendees")
@click.option("--event", "slug", required=True, help="The event's slug.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.pass_context
def import_attendees(ctx: click.Context, slug: str, file: str) -> None:
    """Import or update one event's attendees; all or nothing."""
    db = _database(ctx)
    with click.open_file(file, "rb") as f:
        data = f.read()
    try:
        report = importing.import_attendees(db, events.need(db, slug), data)
    except events.EventError as exc:
        raise click.ClickException(str(exc)) from None
    except CsvError as exc:
        raise click.ClickException(f"{file}: {exc}. Nothing was imported.") from None
    if report.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(report.ignored_columns)}", err=True)
    click.echo(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged")


@headoffice.group("token")
def token_group() -> None:
    """Tokens for venues (sync, one event) and supervisors (the console)."""


@token_group.command("create")
@click.option("--event", "slug", default=None, help="The event a sync token reaches.")
@click.option("--name", required=True, help="Who holds it: the venue machine or the person.")
@click.option("--role", type=click.Choice(tokens.ROLES), default="sync", show_default=True)
@click.pass_context
def token_create(ctx: click.Context, slug: str | None, name: str, role: str) -> None:
    """Print a new token, alone on its last line (shown once)."""
    db = _database(ctx)
    if role == "sync" and not slug:
        raise click.ClickException("a sync token reaches one event: --event SLUG")
    try:
        event_id = events.need(db, slug).event_id if slug else None
    except events.EventError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(tokens.create(db, role, name, event_id))


@headoffice.command("serve")
@click.option("--db", "db_path", envvar="KIOSK_DB", default=None,
              help="Database file of a single-event head office.")  # fmt: skip
@server_options(port=8000)
@click.pass_context
def headoffice_serve(ctx: click.Context, db_path: str | None, **options: Any) -> None:
    """Serve head office: the sync protocol for every event's venues, and the fleet console."""
    root: Context = ctx.find_root().obj
    if root.ho_url:
        from kiosk.headoffice import serving

        db = _database(ctx)
        label = f"Head office {events.node_id(db)}"
        db.close()
        return serving.run(root.ho_url, label, **options)
    path = db_path or root.db_path
    db = Context(path).db()
    with transaction(db):
        if get_setting(db, "node_id") is None:
            put_setting(db, "node_id", f"headoffice-{secrets.token_hex(3)}")
        peers.set_role(db, peers.HEAD_OFFICE)  # venues learn it in hello; purge asks for it
    label = f"Head office {load_node(db).node_id}"
    db.close()
    run_server(path, label, **options)


@headoffice.command("new-epoch")
@click.option("--event", "slug", default=None, help="Only this event (default: every event).")
@click.pass_context
def headoffice_new_epoch(ctx: click.Context, slug: str | None) -> None:
    """After restoring this database from a backup: every peer re-pushes and re-pulls."""
    root: Context = ctx.find_root().obj
    if not root.ho_url:
        db = root.db()
        with transaction(db):
            value = peers.new_epoch(db)
        click.echo(f"New epoch {value}: venues will re-send everything at their next sync")
        return
    ho = _database(ctx)
    chosen = [events.need(ho, slug)] if slug else [i["event"] for i in events.listing(ho)]
    with ho.transaction():
        for event in chosen:
            EventLog(ho, event.event_id).new_epoch()
    click.echo(f"New epoch for {len(chosen)} events: their venues will re-send everything")
