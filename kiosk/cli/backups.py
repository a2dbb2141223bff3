"""`kiosk backup` and `kiosk restore`: copies of the venue's database for a bad day."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from kiosk import backup
from kiosk.cli.progress import Bars, took
from kiosk.cli.venue import Context, pass_ctx
from kiosk.db import DatabaseError, open_db
from kiosk.replication.node import adopt


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@pass_ctx
def backup_command(ctx: Context, file: str, force: bool) -> None:
    """Copy the database to FILE; safe while kiosk serve runs (e.g. to a USB stick)."""
    if not Path(ctx.db_path).is_file():
        raise click.ClickException(f"there is no database at {ctx.db_path}")
    try:
        with Bars({"copy": "Copying pages"}) as bars:
            info = backup.backup(ctx.db_path, file, force, bars)
    except (backup.BackupError, DatabaseError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written: {backup.describe(info)}")
    click.echo(f"Copied {info.size / 1e6:,.1f} MB in {took(bars.seconds())}", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True,
              help="Restore a backup of another machine or event all the same.")  # fmt: skip
@pass_ctx
def restore_command(ctx: Context, file: str, force: bool) -> None:
    """Replace the database with a backup (stop kiosk serve first); keeps the old one aside."""
    labels = {"aside": "Keeping the current database", "restore": "Restoring pages"}
    try:
        with Bars(labels) as bars:
            aside = backup.restore(ctx.db_path, file, force, bars)
        with closing(open_db(ctx.db_path)) as db:
            adopt(db)  # a new file, but the same node: it keeps its id and its sync token
        info = backup.inspect(ctx.db_path, thorough=False)
    except (backup.BackupError, DatabaseError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored: {backup.describe(info)}")
    click.echo(f"Restored {info.size / 1e6:,.1f} MB in {took(bars.seconds())}", err=True)
    if aside:
        click.echo(f"The database it replaced is kept as {aside}")
    click.echo("Start kiosk serve again: the next sync sends and fetches what the backup lacks.")
