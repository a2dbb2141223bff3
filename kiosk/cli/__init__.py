"""The `kiosk` command: one module per command group.

`main` is built here from the parts, so no part imports it back.
"""

from __future__ import annotations

import click

from kiosk import files
from kiosk.cli import (
    access,
    backups,
    badges,
    headoffice,
    peers,
    privacy,
    report,
    schedule,
    service,
    shifts,
    sponsors,
    ticketing,
    venue,
)
from kiosk.cli.venue import DEFAULT_DB, Context
from kiosk.operations.options import log_options
from kiosk.version import kiosk_version


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kiosk_version(), "--version", message="kiosk %(version)s")
@log_options
@click.option("--db", "db_path", envvar="KIOSK_DB", default=DEFAULT_DB, show_default=True,
              help="SQLite database file (env KIOSK_DB).")  # fmt: skip
@click.option("--config", envvar="KIOSK_CONFIG", type=click.Path(dir_okay=False),
              is_eager=True, expose_value=False, callback=service.load_config,
              help="Settings file (TOML; env KIOSK_CONFIG): docs/configuration.md.")  # fmt: skip
@click.pass_context
def main(ctx: click.Context, db_path: str) -> None:
    """Kiosk: offline-first check-in for conferences."""
    files.private_umask()  # the database, its backups, exports and badges: owner only
    ctx.obj = Context(db_path)


# Every command group is added here, in one place; the parts never import `main`.
for _command in (
    venue.init,
    venue.demo,
    venue.import_group,
    access.token,
    access.staff,
    venue.ticket_type,
    venue.serve,
    venue.export,
    venue.rebuild,
    backups.backup_command,
    backups.restore_command,
    badges.printers_group,
    badges.print_group,
    peers.sync_command,
    headoffice.headoffice,
    peers.purge,
    report.report_group,
    ticketing.ticketing,
    sponsors.sponsor_group,
    service.tls_group,
    service.doctor,
):
    main.add_command(_command)
for _command in (
    schedule.import_sessions,
    schedule.import_registrations,
    shifts.import_shifts,
):
    venue.import_group.add_command(_command)
for _command in (privacy.erase, privacy.retention_command):
    headoffice.headoffice.add_command(_command)
