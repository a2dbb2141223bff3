"""`kiosk sponsor`: the sponsors whose booths capture leads, and their reports."""

from __future__ import annotations

import click

from kiosk.cli.venue import Context, pass_ctx
from kiosk.leads import report, sponsors
from kiosk.replication.node import load_node


@click.group("sponsor")
def sponsor_group() -> None:
    """Sponsors, their tracks and qualifying questions (exhibitor tokens name one)."""


@sponsor_group.command("add")
@click.argument("name")
@click.option("--track", default=None, help="Sessions of this track count as the sponsor's.")
@click.option("--question", "questions", multiple=True,
              help="A qualifying question of its booth (repeat; at most 5).")  # fmt: skip
@pass_ctx
def sponsor_add(ctx: Context, name: str, track: str | None, questions: tuple[str, ...]) -> None:
    """Add a sponsor, or change its track or questions."""
    db = ctx.db()
    try:
        found = sponsors.save(db, load_node(db), name, track, list(questions) or None)
    except sponsors.SponsorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Sponsor {found.name} ({found.sponsor_id}): track {found.track or '-'},"
               f" {len(found.questions)} questions")  # fmt: skip


@sponsor_group.command("list")
@pass_ctx
def sponsor_list(ctx: Context) -> None:
    """List sponsors with their leads so far."""
    db = ctx.db()
    for found in sponsors.listing(db):
        leads = report.lead_count(db, found.sponsor_id)
        click.echo(f"{found.sponsor_id}  {found.name}  track {found.track or '-'}  {leads} leads")


@sponsor_group.command("report")
@click.argument("name")
@click.option("--csv", "out", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True, help="Where the leads go as CSV.")  # fmt: skip
@pass_ctx
def sponsor_report(ctx: Context, name: str, out: click.utils.LazyFile) -> None:
    """Write a sponsor's leads as CSV (name, company, e-mail where agreed, rating, notes)."""
    db = ctx.db()
    found = sponsors.get(db, name)
    if found is None:
        raise click.ClickException(f"no sponsor is named {name!r} (kiosk sponsor list)")
    count = report.write_csv(db, found, out)
    click.echo(f"{count} leads of {found.name}", err=True)
