"""`kiosk report event`: the post-event report for the organiser, as a PDF file."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk import clock
from kiosk.cli.venue import Context, pass_ctx
from kiosk.documents.pdf import report_pdf
from kiosk.reports import event as report


def _english(text: str, **values: object) -> str:
    return text % values if values else text


@click.group("report")
def report_group() -> None:
    """Reports for the organiser."""


@report_group.command("event")
@click.option("--pdf", "pdf_file", required=True, type=click.Path(dir_okay=False),
              help="Where to write the PDF.")  # fmt: skip
@pass_ctx
def event(ctx: Context, pdf_file: str) -> None:
    """Write the post-event report (arrivals, desks, sessions, room changes, prints, sync)."""
    db = ctx.db()
    try:
        title, subtitle, sections = report.build(db, ctx.db_path, clock.now(), _english)
        Path(pdf_file).write_bytes(report_pdf(title, subtitle, sections))
    finally:
        db.close()
    click.echo(f"Post-event report written to {pdf_file} ({len(sections)} sections).")
