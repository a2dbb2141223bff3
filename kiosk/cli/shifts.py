"""`kiosk import shifts`: staff shifts from a CSV or Excel file."""

from __future__ import annotations

import click

from kiosk.cli.venue import Context, pass_ctx, run_import
from kiosk.shifts import importer


@click.command("shifts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@pass_ctx
def import_shifts(ctx: Context, file: str) -> None:
    """Import staff shifts (person, badge_code, role, place, starts_at, ends_at); all or nothing."""
    report = run_import(ctx, file, importer.import_shifts)
    click.echo(f"Shifts: {report.added} added, {report.updated} updated,"
               f" {report.unchanged} unchanged.")  # fmt: skip
