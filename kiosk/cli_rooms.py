"""`kiosk import sessions` and `kiosk import registrations`: the schedule from CSV files."""

from __future__ import annotations

import click

from kiosk import schedule_import
from kiosk.cli import Context, import_group, pass_ctx
from kiosk.importer import CsvError
from kiosk.node import load_node


def _read(file: str) -> bytes:
    with click.open_file(file, "rb") as f:
        return f.read()


def _ignored(report: schedule_import.ScheduleReport) -> None:
    if report.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(report.ignored_columns)}", err=True)


@import_group.command("sessions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@pass_ctx
def import_sessions(ctx: Context, file: str) -> None:
    """Import rooms and sessions (the schedule); all or nothing."""
    db = ctx.db()
    try:
        report = schedule_import.import_sessions(db, load_node(db), _read(file))
    except CsvError as exc:
        raise click.ClickException(f"{file}: {exc}. Nothing was imported.") from None
    click.echo(f"Sessions: {report.added} added, {report.updated} updated,"
               f" {report.unchanged} unchanged. Rooms: {report.rooms_added} added,"
               f" {report.rooms_updated} updated.")  # fmt: skip
    _ignored(report)


@import_group.command("registrations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@pass_ctx
def import_registrations(ctx: Context, file: str) -> None:
    """Import who signed up for which session (session_id, attendee_id); all or nothing."""
    db = ctx.db()
    try:
        report = schedule_import.import_registrations(db, load_node(db), _read(file))
    except CsvError as exc:
        raise click.ClickException(f"{file}: {exc}. Nothing was imported.") from None
    click.echo(f"Sign-ups: {report.added} added, {report.cancelled} cancelled,"
               f" {report.unchanged} unchanged.")  # fmt: skip
    _ignored(report)
