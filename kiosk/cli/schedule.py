"""`kiosk import sessions` and `kiosk import registrations`: the schedule from CSV files."""

from __future__ import annotations

import click

from kiosk.cli.venue import Context, pass_ctx, run_import
from kiosk.rooms import schedule_import


@click.command("sessions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@pass_ctx
def import_sessions(ctx: Context, file: str) -> None:
    """Import rooms and sessions (the schedule); all or nothing."""
    report = run_import(ctx, file, schedule_import.import_sessions)
    click.echo(f"Sessions: {report.added} added, {report.updated} updated,"
               f" {report.unchanged} unchanged. Rooms: {report.rooms_added} added,"
               f" {report.rooms_updated} updated.")  # fmt: skip


@click.command("registrations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@pass_ctx
def import_registrations(ctx: Context, file: str) -> None:
    """Import who signed up for which session (session_id, attendee_id); all or nothing."""
    report = run_import(ctx, file, schedule_import.import_registrations)
    click.echo(f"Sign-ups: {report.added} added, {report.cancelled} cancelled,"
               f" {report.unchanged} unchanged.")  # fmt: skip
