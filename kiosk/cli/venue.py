"""The `kiosk` command: set up, load, serve and export a venue's database."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from kiosk import auth
from kiosk.cli.progress import Bars, took
from kiosk.db import DatabaseError, open_db, transaction
from kiosk.desk import importer, reindex, reports
from kiosk.desk.event import EventError, set_event, set_ticket_type
from kiosk.leads import sponsors
from kiosk.operations.options import log_options
from kiosk.replication import fold
from kiosk.replication.node import get_setting, load_node

DEFAULT_DB = "instance/kiosk.sqlite3"
log = logging.getLogger("kiosk.import")
BULK_CACHE_MB = 64  # commands import, load and sync in bulk: a larger page cache pays off


class Context:
    """The database path shared by every subcommand."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.ho_url: str | None = None  # kiosk headoffice --database: a head office's URL

    def db(self) -> Any:
        try:
            db = open_db(self.db_path, cache_mb=BULK_CACHE_MB)
        except DatabaseError as exc:
            raise click.ClickException(str(exc)) from None
        if reindex.stale(db) and not db.execute("SELECT 1 FROM attendee LIMIT 1").fetchone():
            with transaction(db):  # a new database: its index starts under today's rules
                reindex.refresh(db)
        return db


pass_ctx = click.make_pass_decorator(Context)


@click.command()
@click.option("--event", "name", required=True, help="The event's name.")
@click.option("--starts", type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--days", type=int, help="How many days the event runs.")
@click.option("--timezone", help="The venue's time zone, e.g. Asia/Jakarta.")
@pass_ctx
def init(ctx: Context, name: str, starts: Any, days: int | None, timezone: str | None) -> None:
    """Create the event in this database, or rename it."""
    fields: dict[str, Any] = {"name": name.strip()}
    if starts:
        fields["starts_on"] = starts.date().isoformat()
    if days is not None:
        fields["days"] = days
    if timezone:
        fields["timezone"] = timezone
    if not fields["name"]:
        raise click.ClickException("the event needs a name")
    db = ctx.db()
    try:
        with transaction(db):
            set_event(db, load_node(db), **fields)
    except EventError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Event {fields['name']!r} saved in {ctx.db_path}")


@click.command()
@click.option("--attendees", "count", type=click.IntRange(1, 1_000_000), default=2000,
              show_default=True)  # fmt: skip
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--starts", type=click.DateTime(["%Y-%m-%d"]),
              help="First day (default: today in the event's time zone).")  # fmt: skip
@click.option("--fresh", is_flag=True, help="Replace an earlier demo database at this path.")
@pass_ctx
def demo(ctx: Context, count: int, seed: int, starts: Any, fresh: bool) -> None:
    """Fill the database with a realistic demo event."""
    from kiosk.demo import loader as demo_module

    path = Path(ctx.db_path)
    if path.exists():
        db = ctx.db()
        has_data = db.execute("SELECT count(*) FROM op").fetchone()[0] > 0
        is_demo = get_setting(db, "demo") == "1"
        db.close()
        if has_data and not (fresh and is_demo):
            hint = " (use --fresh to replace it)" if is_demo else ""
            raise click.ClickException(f"{path} already holds an event{hint}")
        if has_data:  # an earlier demo, replaced on request; an empty database is kept as it is
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = ctx.db()
    # Today where the event is: the venue's morning, whatever this machine's own zone says.
    first_day = starts.date() if starts else datetime.now(ZoneInfo(demo_module.TIMEZONE)).date()
    with click.progressbar(length=count, label="Creating attendees", file=sys.stderr) as bar:
        report = demo_module.load(db, load_node(db), count, seed, first_day, bar.update,
                                  badge_dir=path.resolve().parent / "badges")  # fmt: skip
    click.echo(f"Demo event ready in {path}: {report.attendees} attendees,"
               f" {report.arrived} already arrived today.")  # fmt: skip
    click.echo("Sign in at the desk with:")
    for name, role, pin in report.staff:
        click.echo(f"  {name:6} ({role:10}) PIN {pin}")
    click.echo(f"API token (role desk): {report.token}")
    signage = auth.create_token(db, "signage", "demo lobby screen")
    click.echo(f"Lobby screen (signage): /signage?token={signage}")
    screen = auth.create_token(db, "selfservice", "demo self-service screen")
    click.echo(f"Self-service screen: /self?token={screen}")
    sponsor = sponsors.listing(db)[0]
    booth = auth.create_token(db, "exhibitor", "demo booth phone", sponsor.sponsor_id)
    click.echo(f"Booth of {sponsor.name} (exhibitor): /booth?token={booth}")
    click.echo(f"Badges print as PDF files into {path.parent / 'badges'}/"
               f" (auto-print at {demo_module.DESKS[0]}).")  # fmt: skip


class ImportGroup(click.Group):
    """`kiosk import FILE` imports attendees, as `kiosk --help` describes the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """A file name where a subcommand's name goes means `import attendees FILE`."""
        if args and args[0] not in self.commands and ("." in args[0] or Path(args[0]).is_file()):
            args = ["attendees", *args]
        return super().parse_args(ctx, args)


@click.group("import", cls=ImportGroup)
def import_group() -> None:
    """Import attendees from a CSV file.

    kiosk import FILE is kiosk import attendees FILE (CSV, tab-separated or .xlsx).
    """


def run_import(ctx: Context, file: str, load: Callable[[Any, Any, bytes], Any]) -> Any:
    """Reads a CSV or .xlsx file, imports it all or nothing; the error names file and line."""
    with click.open_file(file, "rb") as f:
        data = f.read()
    db = ctx.db()
    try:
        report = load(db, load_node(db), data)
    except importer.CsvError as exc:
        raise click.ClickException(f"{file}: {exc}. Nothing was imported.") from None
    if report.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(report.ignored_columns)}", err=True)
    what = getattr(load, "func", load).__name__  # a partial names the function it calls
    log.info("%s from %s: %d added, %d updated, %d unchanged", what, file, report.added,
             report.updated, report.unchanged)  # fmt: skip
    return report


@import_group.command("attendees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@pass_ctx
def import_attendees(ctx: Context, file: str) -> None:
    """Import or update attendees; all or nothing."""
    with Bars({"read": "Reading rows", "write": "Importing attendees"}) as bars:
        report = run_import(ctx, file, partial(importer.import_attendees, progress=bars))
    arrived = (f", {report.arrivals} checked in at the {importer.TICKET_SYSTEM_DESK!r} desk"
               if report.arrivals else "")  # fmt: skip
    click.echo(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged"
               f"{arrived}")  # fmt: skip
    total = report.added + report.updated + report.unchanged
    click.echo(f"Imported {total:,} attendees ({report.added:,} new, {report.updated:,} updated)"
               f" in {took(bars.seconds())}", err=True)  # fmt: skip


@click.command("ticket-type")
@click.argument("name")
@click.option("--days", default="", help="Event days it admits on, e.g. 1 or 1,3 (empty: all).")
@click.option("--colour", default="", help="Badge band colour, #RRGGBB.")
@pass_ctx
def ticket_type(ctx: Context, name: str, days: str, colour: str) -> None:
    """Say on which event days a ticket type is valid."""
    try:
        day_list = [int(d) for d in days.split(",") if d.strip()]
    except ValueError:
        raise click.ClickException("--days takes day numbers like 1,2") from None
    db = ctx.db()
    with transaction(db):
        set_ticket_type(db, load_node(db), name, day_list, colour)
    click.echo(f"{name}: valid on {'days ' + days if day_list else 'every day'}")


def server_options(port: int) -> Callable:
    """The options every serving command shares: address, threads and TLS."""

    def decorate(command: Callable) -> Callable:
        for option in reversed((
            click.option("--host", default="127.0.0.1", show_default=True),
            click.option("--port", default=port, type=int, show_default=True),
            click.option("--threads", default=8, type=int, show_default=True),
            click.option("--tls", is_flag=True,
                         help="Serve HTTPS, signed by this machine's own CA (docs/tls.md)."),
            click.option("--cert", type=click.Path(exists=True, dir_okay=False),
                         help="Serve HTTPS with this certificate (PEM) instead; needs --key."),
            click.option("--key", type=click.Path(exists=True, dir_okay=False),
                         help="Key of --cert (PEM)."),
        )):  # fmt: skip
            command = option(command)
        return command

    return decorate


def run_server(db_path: str, label: str, host: str, port: int, threads: int, tls: bool,
               cert: str | None, key: str | None) -> None:  # fmt: skip
    """Checks the database, then serves the app with a production WSGI server until stopped."""
    from kiosk import backup, create_app
    from kiosk.service import serving

    if bool(cert) != bool(key):
        raise click.ClickException("--cert and --key go together")
    try:
        backup.check_health(db_path)  # a damaged database says what to do, and stops here
        db = open_db(db_path)  # migrate, and fail early with a clear message
        load_node(db)  # applies ops stored by an older version that did not know their kind
        with transaction(db):  # ops set aside by an older version: this one may apply them
            fold.retry_quarantined(db)
            reindexed = reindex.refresh(db)  # names folded by an older version: fold them again
        db.close()
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    if reindexed:
        click.echo(f"Search index rewritten for {reindexed:,} attendees", err=True)
    secure = tls or bool(cert)
    app = create_app({"DATABASE": db_path} | ({"SESSION_COOKIE_SECURE": True} if secure else {}))
    # What start-up loaded (modules, templates, catalogs) lives as long as the server: moved out
    # of the collector's sight, a full collection no longer walks it in the middle of a request
    # (the logistics board's p99 halves, docs/performance.md).
    gc.collect()
    gc.freeze()
    # Service managers stop servers with SIGTERM: stop as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if secure:
        return serving.serve_https(app, db_path, label, host, port, threads, cert, key)
    serving.serve_http(app, db_path, label, host, port, threads)


@click.command()
@server_options(port=5000)
@log_options
@pass_ctx
def serve(ctx: Context, **options: Any) -> None:
    """Serve the desk, API and sync protocol with a production WSGI server."""
    run_server(ctx.db_path, "Kiosk", **options)


@click.group()
def export() -> None:
    """Reports for organisers."""


@export.command("checkins")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@pass_ctx
def export_checkins(ctx: Context, file: str) -> None:
    """One row per attendee: first check-in (UTC), desk, count, badge prints."""
    with click.open_file(file, "w", encoding="utf-8", atomic=file != "-") as out:
        count = reports.export_checkins(ctx.db(), out)
    click.echo(f"{count} attendees written to {file}", err=True)


@click.command()
@pass_ctx
def rebuild(ctx: Context) -> None:
    """Rebuild every state table from the operation log (a repair tool)."""
    from kiosk.replication import quarantine
    from sync.oplog import all_ops

    db = ctx.db()
    with transaction(db):
        ops = all_ops(db)
        fold.rebuild(db, ops)
        held = quarantine.count(db)
    click.echo(f"Rebuilt state from {len(ops)} operations")
    if held:
        click.echo(f"{held} operations could not be applied and are set aside: see /review",
                   err=True)  # fmt: skip
