"""`kiosk printers` and `kiosk print`: set up the venue's printers, test them, pre-print sheets."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from kiosk import clock
from kiosk.cli.venue import Context, pass_ctx
from kiosk.db import transaction
from kiosk.printing import badges
from kiosk.printing import setup as print_setup
from printers import Badge, PrinterError, get_template, sheet_pdf

TEST_BADGE = Badge(first_name="José", last_name="Ñúñez Test", company="Kiosk printer test",
                   ticket_type="Attendee", code="KIOSK-PRINTER-TEST")  # fmt: skip


def _setup(ctx: Context, change: object) -> None:
    db = ctx.db()
    try:
        with transaction(db):
            change(db)  # type: ignore[operator]
    except print_setup.SetupError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("printers", invoke_without_command=True)
@click.pass_context
def printers_group(click_ctx: click.Context) -> None:
    """Badge printers: list them with their health, add, choose per desk."""
    if click_ctx.invoked_subcommand is None:
        _list(click_ctx.find_object(Context))


def _list(ctx: Context) -> None:
    db = ctx.db()
    found = print_setup.health(db)
    if not found:
        click.echo("No printers. Add one with: kiosk printers add NAME URL --default")
    for p in found:
        state = "working" if p.ok else "FAILING"
        mark = " (default)" if p.is_default else ""
        last = p.last_success_at or "never"
        click.echo(f"{p.name}{mark}  {p.url}")
        click.echo(f"  {state} · last success {last} · queued {p.queued} · failed {p.failed}")
        if p.last_error:
            click.echo(f"  last error {p.last_error_at}: {p.last_error}")
    for d in print_setup.desks(db):
        auto = "prints at check-in" if d.auto_print else "prints on request"
        click.echo(f"desk {d.desk}: {d.printer or 'default printer'}, {auto}")


@printers_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--default", "default", is_flag=True, help="Make it the default printer.")
@pass_ctx
def printers_add(ctx: Context, name: str, url: str, default: bool) -> None:
    """Add or replace a printer by NAME; URL says how to reach it (see docs/printers.md)."""
    now = clock.now()
    _setup(ctx, lambda db: print_setup.add_printer(db, name, url, default=default, now=now))
    click.echo(f"Printer {name.strip()} saved: {url.strip()}")


@printers_group.command("remove")
@click.argument("name")
@pass_ctx
def printers_remove(ctx: Context, name: str) -> None:
    """Forget a printer."""
    db = ctx.db()
    with transaction(db):
        if not print_setup.remove_printer(db, name):
            raise click.ClickException(f"no printer is named {name!r}")
    click.echo(f"Printer {name} removed")


@printers_group.command("desk")
@click.argument("desk")
@click.option("--printer", default="", help="Printer name (empty: the default printer).")
@click.option("--auto-print/--no-auto-print", default=False, show_default=True,
              help="Print the badge when someone checks in at this desk.")  # fmt: skip
@pass_ctx
def printers_desk(ctx: Context, desk: str, printer: str, auto_print: bool) -> None:
    """Choose a desk's printer and whether check-in prints the badge."""
    _setup(ctx, lambda db: print_setup.set_desk(db, desk, printer or None, auto_print))
    click.echo(f"Desk {desk}: {printer or 'default printer'},"
               f" {'auto-print on' if auto_print else 'auto-print off'}")  # fmt: skip


@click.group("print")
def print_group() -> None:
    """Print a test badge, or pre-print badges on sheets."""


@print_group.command("test")
@click.option("--printer", "target", required=True, help="A printer URL or a configured name.")
@pass_ctx
def print_test(ctx: Context, target: str) -> None:
    """Print one test badge now and wait for the printer's answer."""
    url = target if "://" in target else print_setup.printer_url(ctx.db(), target)
    if url is None:
        raise click.ClickException(f"no printer is named {target!r}")
    started = time.perf_counter()
    try:
        result = print_setup.printer_opener(ctx.db_path)(url).print(
            TEST_BADGE, job_name="badge-test"
        )
    except PrinterError as exc:
        raise click.ClickException(exc.message) from None
    took = time.perf_counter() - started
    click.echo(f"Test badge {result.state} on {url} in {took:.1f} s"
               f"{' (job ' + result.job_id + ')' if result.job_id else ''}")  # fmt: skip


@print_group.command("batch")
@click.option("--ticket-type", default=None, help="Only this ticket type.")
@click.option("--template", default="4x3", show_default=True, help="Badge template.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@pass_ctx
def print_batch(ctx: Context, ticket_type: str | None, template: str, out: str) -> None:
    """Write A4 sheets with crop marks of every valid attendee's badge, sorted by name."""
    try:
        t = get_template(template).at(dpi=300, mono=False)
    except PrinterError as exc:
        raise click.ClickException(exc.message) from None
    rows = badges.batch_rows(ctx.db(), ticket_type)
    if not rows:
        raise click.ClickException("no valid attendees" + (f" with ticket type {ticket_type!r}"
                                                           if ticket_type else ""))  # fmt: skip
    boxes: list[str] = []

    def boxed(row: Any, chars: str) -> None:
        points = " ".join(point for _ch, point in badges.code_points(chars))
        boxes.append(f"  {row['first_name']} {row['last_name']}: {points}")

    with click.progressbar(length=len(rows), label="Rendering badges", file=sys.stderr) as bar:
        try:
            data = sheet_pdf(badges.rendered(rows, t, bar.update, boxed), t.dpi)
        except PrinterError as exc:
            raise click.ClickException(exc.message) from None
    Path(out).write_bytes(data)
    click.echo(f"{len(rows)} badges written to {out} ({len(data) / 1e6:.1f} MB)", err=True)
    if boxes:  # the sheets are printed later, by someone: say which badges to check first
        click.echo(
            f"Warning: {len(boxes)} badges show empty boxes for characters no installed"
            " font has; correct these names or print them knowingly:",
            err=True,
        )
        click.echo("\n".join(boxes), err=True)
