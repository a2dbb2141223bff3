"""`kiosk tls` and `kiosk doctor`: what a technician runs on a venue machine."""

from __future__ import annotations

import datetime
import sys

import click
from cryptography.hazmat.primitives import serialization

from kiosk.certificates import store
from kiosk.cli.venue import Context, pass_ctx
from kiosk.service import config_file


def load_config(_ctx: click.Context, _param: click.Parameter, path: str | None) -> None:
    """`--config FILE` / KIOSK_CONFIG: its settings fill in what the environment leaves unset.

    Eager, so the file is read before `--db` and every other option looks at the environment.
    """
    if not path:
        return
    try:
        config_file.apply(config_file.read(path))
    except config_file.ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("tls")
def tls_group() -> None:
    """This machine's certificate authority, the one file each tablet trusts."""


@tls_group.command("ca")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@pass_ctx
def tls_ca(ctx: Context, file: str) -> None:
    """Write the CA certificate to FILE (made now if this machine has none yet)."""
    authority, made = store.ensure_authority(ctx.db_path, datetime.datetime.now(datetime.UTC))
    pem = authority.cert.public_bytes(serialization.Encoding.PEM)
    if file == "-":
        sys.stdout.buffer.write(pem)
    else:
        with open(file, "wb") as out:
            out.write(pem)
    where = store.authority_paths(ctx.db_path)[0]
    if made:
        click.echo(f"Made this machine's certificate authority: {where}", err=True)
    click.echo(f"Wrote it to {file}: install that file once on each tablet (docs/tls.md).",
               err=True)  # fmt: skip
    click.echo(f"SHA-256 fingerprint: {store.fingerprint(where)}", err=True)


@click.command()
@pass_ctx
def doctor(ctx: Context) -> None:
    """Check fonts, printers, disk, clock, certificate and backups; say what to fix."""
    from kiosk.service import checks
    from kiosk.service import doctor as examining

    findings = examining.examine(ctx.db_path)
    for line in examining.report(findings):
        click.echo(line)
    sys.exit(checks.exit_code(findings))
