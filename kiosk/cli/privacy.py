"""`kiosk headoffice erase` and `kiosk headoffice retention`: forgetting people at head office."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from kiosk.cli.headoffice import _database
from kiosk.headoffice import erasure, events, retention


@click.command("erase")
@click.option("--event", "slug", required=True, help="The event's slug.")
@click.option("--code", default=None, help="The attendee's ticket code.")
@click.option("--attendee", "attendee_id", default=None, help="The attendee's id.")
@click.option("--by", required=True, help="Who asked for it at head office (kept in the log).")
@click.option("--reason", default="", help="Why, e.g. the request's reference.")
@click.pass_context
def erase(ctx: click.Context, slug: str, code: str | None, attendee_id: str | None, by: str,
          reason: str) -> None:  # fmt: skip
    """Erase one attendee's personal data everywhere: here now, at venues on their next pull."""
    if (code is None) == (attendee_id is None):
        raise click.ClickException("name the attendee: --code CODE or --attendee ATTENDEE_ID")
    db = _database(ctx)
    try:
        event = events.need(db, slug)
        chosen = erasure.find(db, event, code, attendee_id)
        op = erasure.erase(db, event, chosen, by, reason, datetime.now(UTC))
    except events.EventError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()
    click.echo(f"Attendee {chosen} of {slug} erased (op {op.op_id}): venues forget them at"
               " their next sync.")  # fmt: skip


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Say what would be purged; change nothing.")
@click.pass_context
def retention_command(ctx: click.Context, dry_run: bool) -> None:
    """Purge the personal data of every event kept past its retention days."""
    db = _database(ctx)
    try:
        done = retention.run(db, datetime.now(UTC), dry_run)
    finally:
        db.close()
    verb = "would purge" if dry_run else "purged"
    for item in done:
        click.echo(f"{item.slug}: {verb} {item.attendees} attendees, {item.ops} operations and"
                   f" {item.mail} unsent mails (kept until {item.until})")  # fmt: skip
    if not done:
        click.echo("No event is past its retention.")
